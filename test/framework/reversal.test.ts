import { describe, expect, it } from "vitest";
import type { Middleware } from "tsgi";
import { createApp, SITE_ROOT } from "tsgi/framework";
import { request } from "tsgi/testing";

function site() {
  const admin = createApp().get("/users/:id", { name: "user" }, (ctx) => ({ self: ctx.urlFor("user", { id: ctx.params.id }), book: ctx.urlFor("api:v1:book", { isbn: "1" }) }));
  const v1 = createApp().get("/books/:isbn", { name: "book" }, (ctx) => ({
    self: ctx.urlFor("book", { isbn: ctx.params.isbn }),
    home: ctx.urlFor("home"),
    admin: ctx.urlFor("admin:user", { id: 7 }),
    root: ctx.siteRoot,
  }));
  const api = createApp().mount("/v1", v1, { name: "v1" }).get("/", { name: "index" }, (ctx) => ({ v1: ctx.urlFor("v1:book", { isbn: "2" }) }));
  const outer = createApp()
    .get("/", { name: "home" }, (ctx) => ({ deep: ctx.urlFor("api:v1:book", { isbn: "3" }, { page: 2 }) }))
    .mount("/api", api, { name: "api" })
    .mount("/admin", admin, { name: "admin" });
  return { outer, api, v1 };
}

describe("URL reversal across mounts", () => {
  it("app.url reaches through named mounts, nesting included", () => {
    const { outer, api } = site();
    expect(outer.url("api:v1:book", { isbn: "a b" })).toBe("/api/v1/books/a%20b");
    expect(outer.url("api:index")).toBe("/api/");
    expect(api.url("v1:book", { isbn: "x" })).toBe("/v1/books/x");
    expect(outer.knows("api:v1:book")).toBe(true);
    expect(outer.knows("api:nope")).toBe(false);
  });

  it("ctx.urlFor resolves local names first, then from the site root, under any SCRIPT_NAME", async () => {
    const { outer } = site();
    const deep = await request(outer, "GET", "/shop/api/v1/books/9", { scriptName: "/shop" });
    expect(deep.json()).toEqual({ self: "/shop/api/v1/books/9", home: "/shop/", admin: "/shop/admin/users/7", root: "/shop" });
    expect((await request(outer, "GET", "/shop/admin/users/5", { scriptName: "/shop" })).json())
      .toEqual({ self: "/shop/admin/users/5", book: "/shop/api/v1/books/1" });
  });

  it("from the outer app itself and from a middle app", async () => {
    const { outer } = site();
    expect((await request(outer, "GET", "/")).json()).toEqual({ deep: "/api/v1/books/3?page=2" });
    expect((await request(outer, "GET", "/api")).status).toBe(301);
    expect((await request(outer, "GET", "/api/")).json()).toEqual({ v1: "/api/v1/books/2" });
  });

  it("errors name the fix", () => {
    const { outer } = site();
    expect(() => outer.url("shop:book")).toThrow(/no mount named "shop" for route "shop:book"; name the mount: app.mount\(prefix, app, \{ name: "shop" \}\) \(named mounts: "admin", "api"\)/);
    expect(() => outer.url("api:nope")).toThrow(/no route named "nope"/);
    expect(() => createApp().get("/", { name: "a:b" }, () => "")).toThrow(/may not contain ":"/);
    expect(() => createApp().mount("/x", () => ({ status: 200, headers: [] }), { name: "x" })).toThrow(/needs a framework app/);
    const app = createApp().mount("/a", createApp(), { name: "a" });
    expect(() => app.mount("/b", createApp(), { name: "a" })).toThrow(/the name "a" is already used/);
  });
});

describe("tsgi.site_root", () => {
  it("a mount sets it to the outermost SCRIPT_NAME when absent, through nested mounts", async () => {
    const seen: unknown[] = [];
    const spy: Middleware = (app) => (env) => {
      seen.push(env[SITE_ROOT]);
      return app(env);
    };
    const inner = createApp().use(spy).get("/x", () => "x");
    const middle = createApp().use(spy).mount("/inner", inner);
    const outer = createApp().use(spy).mount("/middle", middle);
    expect((await request(outer, "GET", "/site/middle/inner/x", { scriptName: "/site" })).text).toBe("x");
    expect(seen).toEqual([undefined, "/site", "/site"]);
  });

  it("is kept when a server or outer layer already set it", async () => {
    let seen: unknown;
    const inner = createApp().get("/x", (ctx) => {
      seen = ctx.env[SITE_ROOT];
      return ctx.siteRoot;
    });
    const outer = createApp().mount("/m", inner);
    expect((await request(outer, "GET", "/m/x", { env: { [SITE_ROOT]: "/given" } })).text).toBe("/given");
    expect(seen).toBe("/given");
  });

  it("does not leak into the outer app's env", async () => {
    let outerEnvRoot: unknown = "unset";
    const outer = createApp().mount("/m", createApp().get("/", () => "m")).get("/after", (ctx) => {
      outerEnvRoot = ctx.env[SITE_ROOT];
      return "after";
    });
    await request(outer, "GET", "/m/");
    await request(outer, "GET", "/after");
    expect(outerEnvRoot).toBeUndefined();
  });
});
