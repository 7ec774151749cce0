import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import type { App } from "tsgi";
import { fromFetchHandler } from "tsgi/fetch";
import { request } from "tsgi/testing";
import { createApp, redirect } from "tsgi/framework";

function api() {
  const app = createApp();
  app.get("/books/:isbn", { name: "book" }, (ctx) => ({ self: ctx.urlFor("book", { isbn: ctx.params.isbn }), script: ctx.env.SCRIPT_NAME, path: ctx.path }));
  app.get("/files/*path{.:ext}", { name: "file" }, (ctx) => ({ path: ctx.params.path, ext: ctx.params.ext ?? null }));
  app.post("/books", { name: "create" }, () => redirect("/x"));
  app.get("/", { name: "home" }, (ctx) => ({ home: ctx.urlFor("home"), next: ctx.urlFor("book", { isbn: "a b/c" }, { page: 2, tag: ["x", "y"], skip: undefined }) }));
  return app;
}

describe("mounting", () => {
  const raw: App = (env) => ({ status: 200, headers: [["content-type", "text/plain"]], body: `${env.SCRIPT_NAME}|${env.PATH_INFO}` });
  const hono = new Hono().basePath("/hono").get("/hi/:name", (c) => c.text(`hono ${c.req.param("name")} ${new URL(c.req.url).pathname}`));
  const site = createApp()
    .mount("/api", api())
    .mount("/api/v2", raw)
    .mount("/hono", fromFetchHandler(hono.fetch, { path: "full" }))
    .get("/", (ctx) => ctx.urlFor("root"))
    .get("/about", { name: "root" }, () => "about");

  it("shifts SCRIPT_NAME and PATH_INFO for a mounted framework app", async () => {
    const reply = await request(site, "GET", "/api/books/978");
    expect(reply.json()).toEqual({ self: "/api/books/978", script: "/api", path: "/books/978" });
  });

  it("matches mounts at a segment boundary, longest prefix first", async () => {
    expect((await request(site, "GET", "/api/v2/x")).text).toBe("/api/v2|/x");
    expect((await request(site, "GET", "/api/v2")).text).toBe("/api/v2|");
    expect((await request(site, "GET", "/apiary")).status).toBe(404);
  });

  it("redirects the bare mount point to its slash form when the child has a / route", async () => {
    const reply = await request(site, "GET", "/api");
    expect(reply.status).toBe(301);
    expect(reply.header("location")).toBe("/api/");
  });

  it("mounts a Fetch app through fromFetchHandler", async () => {
    expect((await request(site, "GET", "/hono/hi/ada")).text).toBe("hono ada /hono/hi/ada");
  });

  it("keeps the outer prefix when the site itself is behind a proxy prefix", async () => {
    const reply = await request(site, "GET", "/shop/api/books/1", { scriptName: "/shop" });
    expect(reply.json()).toEqual({ self: "/shop/api/books/1", script: "/shop/api", path: "/books/1" });
  });
});

describe("URL reversal", () => {
  it("builds paths from names with encoded params and a query", async () => {
    const app = api();
    expect(app.url("book", { isbn: "978" })).toBe("/books/978");
    expect(app.url("file", { path: ["a", "b"], ext: "txt" })).toBe("/files/a/b.txt");
    expect(app.url("file", { path: ["a"] })).toBe("/files/a");
    const reply = await request(createApp().mount("/api", app), "GET", "/api/");
    expect(reply.json()).toEqual({ home: "/api/", next: "/api/books/a%20b%2Fc?page=2&tag=x&tag=y" });
  });

  it("names the problem for an unknown name or a missing parameter", () => {
    const app = api();
    expect(() => app.url("nope")).toThrow(/no route named "nope"/);
    expect(() => app.url("book")).toThrow(/route "book" \(\/books\/:isbn\): Missing parameters: isbn/);
  });

  it("carries the mount prefix into handlers of mounted decorator-free apps under /api", async () => {
    const outer = createApp().mount("/api", api());
    const reply = await request(outer, "GET", "/api/books/1");
    expect(reply.json<{ self: string }>().self).toBe("/api/books/1");
  });
});
