import { describe, expect, it } from "vitest";
import type { App, Env, Middleware, Reply } from "tsgi";
import { controller, createApp, get, type RouteInfo } from "tsgi/framework";
import { bearerAuth, getUser, tokenTable } from "tsgi/middleware/auth";
import { request } from "tsgi/testing";

/** A middleware that records when it sees the request and the reply, and tags the reply. */
function tag(name: string, trail: string[]): Middleware {
  return (app: App): App => async (env: Env): Promise<Reply> => {
    trail.push(`${name}>`);
    const reply = await app(env);
    trail.push(`<${name}`);
    return { ...reply, headers: [...reply.headers, ["x-tag", name]] };
  };
}

const deny: Middleware = () => () => ({ status: 401, headers: [["content-type", "text/plain"]], body: "no" });

describe("app.use", () => {
  it("wraps the whole app in registration order: the first registered sees the request first", async () => {
    const trail: string[] = [];
    const app = createApp().use(tag("a", trail)).use(tag("b", trail));
    app.get("/", () => {
      trail.push("handler");
      return "hi";
    });
    const reply = await request(app, "GET", "/");
    expect(reply.text).toBe("hi");
    expect(trail).toEqual(["a>", "b>", "handler", "<b", "<a"]);
    expect(reply.headerAll("x-tag")).toEqual(["b", "a"]);
  });

  it("wraps 404s and mounts too", async () => {
    const trail: string[] = [];
    const app = createApp().use(tag("a", trail)).mount("/m", () => ({ status: 200, headers: [], body: "m" }));
    expect((await request(app, "GET", "/missing")).headerAll("x-tag")).toEqual(["a"]);
    expect((await request(app, "GET", "/m/x")).headerAll("x-tag")).toEqual(["a"]);
  });

  it("with a prefix applies to the prefix and below it at a segment boundary, and leaves the env as it is", async () => {
    const seen: string[] = [];
    const spy: Middleware = (app) => (env) => {
      seen.push(`${env.SCRIPT_NAME}|${env.PATH_INFO}`);
      return deny(app)(env);
    };
    const app = createApp().use("/admin", spy);
    app.get("/admin", () => "admin").get("/admin/users", () => "users").get("/adminx", () => "x").get("/", () => "home");
    expect((await request(app, "GET", "/admin")).status).toBe(401);
    expect((await request(app, "GET", "/admin/users")).status).toBe(401);
    expect((await request(app, "GET", "/adminx")).text).toBe("x");
    expect((await request(app, "GET", "/")).text).toBe("home");
    expect(seen).toEqual(["|/admin", "|/admin/users"]);
  });

  it("interleaves prefixed and global middleware in registration order", async () => {
    const trail: string[] = [];
    const app = createApp().use(tag("outer", trail)).use("/p", tag("scoped", trail)).use(tag("inner", trail));
    app.get("/p/x", () => "x").get("/q", () => "q");
    await request(app, "GET", "/p/x");
    expect(trail).toEqual(["outer>", "scoped>", "inner>", "<inner", "<scoped", "<outer"]);
    trail.length = 0;
    await request(app, "GET", "/q");
    expect(trail).toEqual(["outer>", "inner>", "<inner", "<outer"]);
  });

  it("calls each middleware factory once, not per request", async () => {
    let built = 0;
    const counting: Middleware = (app) => {
      built++;
      return app;
    };
    const app = createApp().use(counting).get("/", () => "x");
    await request(app, "GET", "/");
    await request(app, "GET", "/");
    expect(built).toBe(1);
  });

  it("refuses registration after the first request, bad prefixes, and option factories passed uncalled", async () => {
    const app = createApp().get("/", () => "x");
    expect(() => app.use("admin", deny)).toThrow(/prefix must start with \//);
    expect(() => app.use("/admin/", deny)).toThrow(/not end with \//);
    expect(() => app.use(42 as unknown as Middleware)).toThrow(/not a function/);
    app.use((() => undefined) as unknown as Middleware);
    await expect(async () => request(app, "GET", "/")).rejects.toThrow(/app.use: a middleware returned undefined, not an app.*factory without calling it/);
    const factory = createApp().use(bearerAuth as unknown as Middleware).get("/", () => "x");
    const reply = await request(factory, "GET", "/");
    expect(reply.status).toBe(500);
    expect(reply.logs.join("\n")).toMatch(/returned a function, not a reply; if it is a middleware/);
    const served = createApp().get("/", () => "x");
    await request(served, "GET", "/");
    expect(() => served.use(deny)).toThrow(/already served a request; register middleware before serving/);
  });

  it("sends a middleware's throw through the error hook and the default error reply", async () => {
    const boom: Middleware = () => () => {
      throw new Error("kaput");
    };
    const app = createApp().use(boom).get("/", () => "x");
    const reply = await request(app, "GET", "/");
    expect(reply.status).toBe(500);
    expect(reply.text).not.toContain("kaput");
    expect(reply.logs.join("\n")).toContain("kaput");
    const hooked = createApp().use(boom).get("/", () => "x").onError((error) => `caught ${(error as Error).message}`);
    const answered = await request(hooked, "GET", "/");
    expect(answered.status).toBe(500);
    expect(answered.text).toBe("caught kaput");
  });
});

describe("route middleware", () => {
  it("wraps only its route, outermost first, after routing", async () => {
    const trail: string[] = [];
    let route: RouteInfo | undefined;
    const peek: Middleware = (app) => (env) => {
      route = env["tsgi.route"] as RouteInfo;
      return app(env);
    };
    const app = createApp();
    app.get("/books/:id", { name: "book", middleware: [tag("a", trail), peek, tag("b", trail)] }, (ctx) => {
      trail.push(`handler ${ctx.params.id}`);
      return { id: ctx.params.id };
    });
    app.get("/open", () => "open");
    const reply = await request(app, "GET", "/books/7");
    expect(reply.json()).toEqual({ id: "7" });
    expect(trail).toEqual(["a>", "b>", "handler 7", "<b", "<a"]);
    expect(route).toMatchObject({ name: "book", pattern: "/books/:id", params: { id: "7" } });
    expect((await request(app, "GET", "/open")).header("x-tag")).toBeUndefined();
  });

  it("can stop the request before validation and the handler run", async () => {
    let ran = false;
    const app = createApp().post("/x", { middleware: [deny] }, () => {
      ran = true;
      return "x";
    });
    const reply = await request(app, "POST", "/x", { body: "{bad json", headers: { "content-type": "application/json" } });
    expect(reply.status).toBe(401);
    expect(ran).toBe(false);
  });

  it("protects one route with a real middleware (bearerAuth) and gives the handler its user", async () => {
    const auth = bearerAuth({ verify: tokenTable({ "s3cret": { id: "ada" } }) });
    const app = createApp();
    app.get("/me", { middleware: [auth] }, (ctx) => ({ user: getUser(ctx.env)?.id }));
    app.get("/public", () => "public");
    expect((await request(app, "GET", "/me")).status).toBe(401);
    expect((await request(app, "GET", "/me", { headers: { authorization: "Bearer s3cret" } })).json()).toEqual({ user: "ada" });
    expect((await request(app, "GET", "/public")).text).toBe("public");
  });

  it("HEAD through route middleware drops the body", async () => {
    const trail: string[] = [];
    const app = createApp().get("/x", { middleware: [tag("a", trail)] }, () => "body");
    const reply = await request(app, "HEAD", "/x");
    expect(reply.status).toBe(200);
    expect(reply.bytes.byteLength).toBe(0);
    expect(trail).toEqual(["a>", "<a"]);
  });

  it("refuses a middleware option that is not a list of functions", () => {
    const app = createApp();
    expect(() => app.get("/a", { middleware: deny as unknown as Middleware[] }, () => "")).toThrow(/route GET \/a: middleware must be an array/);
    expect(() => app.get("/b", { middleware: [undefined as unknown as Middleware] }, () => "")).toThrow(/middleware\[0\] is not a function/);
  });
});

describe("controller middleware", () => {
  it("app.controller's, then @controller's, then the route's, outermost first", async () => {
    const trail: string[] = [];
    @controller("/c", { middleware: [tag("class", trail)] })
    class C {
      @get("/", { middleware: [tag("route", trail)] })
      index() {
        trail.push("handler");
        return "c";
      }

      @get("/plain")
      plain() {
        return "plain";
      }
    }
    const app = createApp().controller(C, { middleware: [tag("registration", trail)] });
    expect((await request(app, "GET", "/c")).text).toBe("c");
    expect(trail).toEqual(["registration>", "class>", "route>", "handler", "<route", "<class", "<registration"]);
    trail.length = 0;
    await request(app, "GET", "/c/plain");
    expect(trail).toEqual(["registration>", "class>", "<class", "<registration"]);
  });
});

describe("mount middleware", () => {
  it("a guard on a mount builds its login URL against env tsgi.site_root, so it does not loop inside the mount", async () => {
    const guard: Middleware = (app) => (env) => {
      if (env.HTTP_AUTHORIZATION !== undefined) return app(env);
      const site = typeof env["tsgi.site_root"] === "string" ? env["tsgi.site_root"] : env.SCRIPT_NAME;
      const next = encodeURIComponent(env.SCRIPT_NAME + env.PATH_INFO);
      return { status: 303, headers: [["location", `${site}/login?next=${next}`]], body: "" };
    };
    const account = createApp().get("/orders", () => "orders");
    const site = createApp().get("/login", () => "login form").mount("/account", account, { middleware: [guard] });
    const reply = await request(site, "GET", "/shop/account/orders", { scriptName: "/shop" });
    expect(reply.status).toBe(303);
    expect(reply.header("location")).toBe("/shop/login?next=%2Fshop%2Faccount%2Forders");
    expect((await request(site, "GET", "/shop/login", { scriptName: "/shop" })).text).toBe("login form");
    expect((await request(site, "GET", "/shop/account/orders", { scriptName: "/shop", headers: { authorization: "x" } })).text).toBe("orders");
  });

  it("wraps the mounted app, which sees the mounted env", async () => {
    const seen: string[] = [];
    const spy: Middleware = (app) => (env) => {
      seen.push(`${env.SCRIPT_NAME}|${env.PATH_INFO}|${String(env["tsgi.site_root"])}`);
      return app(env);
    };
    const api = createApp().get("/books", () => ["dune"]);
    const site = createApp().mount("/api", api, { middleware: [spy, deny] }).get("/", () => "home");
    expect((await request(site, "GET", "/shop/api/books", { scriptName: "/shop" })).status).toBe(401);
    expect(seen).toEqual(["/shop/api|/books|/shop"]);
    expect((await request(site, "GET", "/")).text).toBe("home");
  });
});

describe("a middleware's or mount's failure (the context is made only then)", () => {
  const throws: Middleware = () => () => {
    throw new Error("sync kaput");
  };
  const rejects: Middleware = () => async () => {
    throw new Error("async kaput");
  };

  it("gives the error hook the route, the request and a context whose headers reach the reply", async () => {
    const seen: string[] = [];
    const app = createApp()
      .get("/sync", { name: "sync", middleware: [throws] }, () => "x")
      .get("/async", { middleware: [rejects] }, () => "x")
      .mount("/m", () => { throw new Error("mount kaput"); })
      .onError((error, ctx) => {
        seen.push(`${(error as Error).message} ${ctx.route?.pattern ?? "-"} ${ctx.route?.name ?? "-"} ${ctx.path} ${ctx.status}`);
        ctx.setHeader("x-hook", "1");
        return `handled ${(error as Error).message}`;
      });
    for (const path of ["/sync", "/async", "/m/x"]) {
      const reply = await request(app, "GET", path);
      expect([reply.status, reply.text, reply.header("x-hook")]).toEqual([500, `handled ${path === "/sync" ? "sync" : path === "/async" ? "async" : "mount"} kaput`, "1"]);
    }
    const head = await request(app, "HEAD", "/async");
    expect([head.status, head.text, head.header("x-hook")]).toEqual([500, "", "1"]);
    expect(seen).toEqual(["sync kaput /sync sync /sync 500", "async kaput /async - /async 500", "mount kaput - - /m/x 500", "async kaput /async - /async 500"]);
  });

  it("answers problem+json for a JSON route and for an all-JSON app's app.use failure, without a hook", async () => {
    const { z } = await import("zod");
    const api = createApp().get("/item", { response: z.object({ id: z.number() }), middleware: [rejects] }, () => ({ id: 1 }));
    const routeFailure = await request(api, "GET", "/item");
    expect([routeFailure.status, routeFailure.header("content-type")]).toEqual([500, "application/problem+json"]);
    const used = createApp().use(throws).get("/item", { response: z.object({ id: z.number() }) }, () => ({ id: 1 }));
    const useFailure = await request(used, "GET", "/item");
    expect([useFailure.status, useFailure.header("content-type")]).toEqual([500, "application/problem+json"]);
    expect(useFailure.logs.join("\n")).toContain("sync kaput");
  });

  it("passes a middleware's successful reply through unchanged, and strips its body for HEAD", async () => {
    const app = createApp().use(deny).get("/", () => "x");
    const reply = await request(app, "GET", "/");
    expect([reply.status, reply.text]).toEqual([401, "no"]);
    const head = await request(app, "HEAD", "/");
    expect([head.status, head.text, head.header("content-type")]).toEqual([401, "", "text/plain"]);
  });
});
