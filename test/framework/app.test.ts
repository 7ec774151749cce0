import { describe, expect, it } from "vitest";
import { HttpError, toService, type App } from "tsgi";
import { request } from "tsgi/testing";
import { createApp, html, json, redirect, status, stream, text } from "tsgi/framework";

describe("the framework app is a tsgi app", () => {
  it("is a plain function of the env that passes lint", async () => {
    const app = createApp();
    app.get("/", () => "<h1>home</h1>");
    const asApp: App = app;
    expect(typeof asApp).toBe("function");
    const reply = await request(app, "GET", "/");
    expect(reply.status).toBe(200);
    expect(reply.header("content-type")).toBe("text/html; charset=utf-8");
    expect(reply.text).toBe("<h1>home</h1>");
  });

  it("routes per method with params and lists its routes", async () => {
    const app = createApp()
      .get("/books/:isbn", (ctx) => ({ isbn: ctx.params.isbn }))
      .delete("/books/:isbn", () => null)
      .route("propfind", "/dav/*path", (ctx) => text(ctx.params.path.join("|")));
    expect((await request(app, "GET", "/books/978-3")).json()).toEqual({ isbn: "978-3" });
    expect((await request(app, "DELETE", "/books/978-3")).status).toBe(204);
    expect((await request(app, "PROPFIND", "/dav/a/b")).text).toBe("a|b");
    expect(app.routes.map((r) => `${r.method} ${r.pattern}`)).toEqual(["GET /books/:isbn", "DELETE /books/:isbn", "PROPFIND /dav/*path"]);
  });

  it("stores the matched route in the env under tsgi.route for middleware", async () => {
    const app = createApp().get("/users/:id", { name: "user" }, () => "x");
    let seen: unknown;
    const outer: App = async (env) => {
      const reply = await app(env);
      seen = env["tsgi.route"];
      return reply;
    };
    await request(outer, "GET", "/users/7");
    expect(seen).toEqual({ method: "GET", pattern: "/users/:id", name: "user", params: { id: "7" } });
  });
});

describe("404, 405, HEAD, OPTIONS and trailing slashes", () => {
  const app = createApp();
  app.get("/items", () => ["a"]);
  app.post("/items", () => status(201, { ok: true }));
  app.get("/about/", () => "about");
  app.get("/stream", () => stream((async function* () { yield "a"; yield "b"; })(), { type: "text/plain" }));

  it("404 for an unknown path", async () => {
    const reply = await request(app, "GET", "/nope");
    expect(reply.status).toBe(404);
    expect(reply.text).toContain("/nope");
  });

  it("405 with Allow for a known path and another method", async () => {
    const reply = await request(app, "PUT", "/items");
    expect(reply.status).toBe(405);
    expect(reply.header("allow")).toBe("GET, HEAD, OPTIONS, POST");
  });

  it("HEAD runs the GET handler and drops the body, streams included", async () => {
    const reply = await request(app, "HEAD", "/items");
    expect(reply.status).toBe(200);
    expect(reply.header("content-type")).toBe("application/json");
    const streamed = await request(app, "HEAD", "/stream");
    expect(streamed.status).toBe(200);
  });

  it("OPTIONS answers 204 with Allow", async () => {
    const reply = await request(app, "OPTIONS", "/items");
    expect(reply.status).toBe(204);
    expect(reply.header("allow")).toBe("GET, HEAD, OPTIONS, POST");
  });

  it("redirects to the canonical slash form, keeping the query and the mount prefix", async () => {
    const missing = await request(app, "GET", "/about?x=1");
    expect(missing.status).toBe(301);
    expect(missing.header("location")).toBe("/about/?x=1");
    const extra = await request(app, "POST", "/shop/items/", { scriptName: "/shop", body: "" });
    expect(extra.status).toBe(308);
    expect(extra.header("location")).toBe("/shop/items");
  });

  it("never redirects to a protocol-relative location", async () => {
    const wild = createApp().get("/*rest/x", (ctx) => ctx.params.rest.join("/"));
    const reply = await request(wild, "GET", "http://localhost//evil.example/x/");
    expect(reply.status).toBe(301);
    expect(reply.header("location")).toBe("/%2Fevil.example/x");
  });

  it("strict and ignore policies", async () => {
    const strict = createApp({ trailingSlash: "strict" }).get("/a", () => "a");
    expect((await request(strict, "GET", "/a/")).status).toBe(404);
    const lax = createApp({ trailingSlash: "ignore" }).get("/a", () => "a");
    expect((await request(lax, "GET", "/a/")).text).toBe("a");
  });
});

describe("what handlers return", () => {
  const app = createApp();
  app.get("/html", () => "<p>hi</p>");
  app.get("/text", () => text("plain"));
  app.get("/json", () => ({ a: 1 }));
  app.get("/array", () => [1, 2]);
  app.get("/number", () => 42);
  app.get("/bytes", () => new Uint8Array([1, 2, 3]));
  app.get("/none", () => undefined);
  app.get("/reply", () => ({ status: 202, headers: [["x-raw", "1"]], body: "raw" }));
  app.get("/created", (ctx) => { ctx.status = 201; return { id: 1 }; });
  app.get("/redirect", () => redirect("/elsewhere", 303));
  app.get("/html-helper", () => html("<b>x</b>", { status: 418, headers: { "x-tea": "pot" } }));
  app.get("/json-helper", () => json(null, { status: 202 }));
  app.get("/generator", () => (function* () { yield "one,"; yield "two"; })());
  app.get("/async", async () => { await new Promise((r) => setTimeout(r, 1)); return "later"; });
  app.get("/fetch", () => new Response("from fetch", { status: 203, headers: [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["content-type", "text/plain"]] }));
  app.get("/cookies", (ctx) => { ctx.setCookie("sid", "abc", { httpOnly: true }).clearCookie("old").setHeader("x-extra", "y"); return "ok"; });

  it.each([
    ["/html", 200, "text/html; charset=utf-8", "<p>hi</p>"],
    ["/text", 200, "text/plain; charset=utf-8", "plain"],
    ["/json", 200, "application/json", '{"a":1}'],
    ["/array", 200, "application/json", "[1,2]"],
    ["/number", 200, "application/json", "42"],
    ["/bytes", 200, "application/octet-stream", "\u0001\u0002\u0003"],
    ["/none", 404, "text/plain; charset=utf-8", "nothing here: /none\n"],
    ["/reply", 202, undefined, "raw"],
    ["/created", 201, "application/json", '{"id":1}'],
    ["/html-helper", 418, "text/html; charset=utf-8", "<b>x</b>"],
    ["/json-helper", 202, "application/json", "null"],
    ["/generator", 200, "text/html; charset=utf-8", "one,two"],
    ["/async", 200, "text/html; charset=utf-8", "later"],
    ["/fetch", 203, "text/plain", "from fetch"],
  ])("%s", async (path, code, type, body) => {
    const reply = await request(app, "GET", path);
    expect(reply.status).toBe(code);
    expect(reply.header("content-type")).toBe(type);
    expect(reply.text).toBe(body);
  });

  it("redirect sets Location", async () => {
    const reply = await request(app, "GET", "/redirect");
    expect(reply.status).toBe(303);
    expect(reply.header("location")).toBe("/elsewhere");
  });

  it("keeps every Set-Cookie of a Fetch Response and of the context", async () => {
    expect((await request(app, "GET", "/fetch")).headerAll("set-cookie")).toEqual(["a=1", "b=2"]);
    const reply = await request(app, "GET", "/cookies");
    const cookies = reply.headerAll("set-cookie");
    expect(cookies[0]).toBe("sid=abc; Path=/; HttpOnly");
    expect(cookies[1]).toMatch(/^old=; /);
    expect(cookies[1]).toContain("Max-Age=0");
    expect(cookies[1]).toContain("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    expect(reply.header("x-extra")).toBe("y");
  });
});

describe("errors", () => {
  it("an HttpError carries its status and exposed message; a plain error is a logged 500", async () => {
    const app = createApp();
    app.get("/teapot", () => { throw new HttpError(418, "short and stout"); });
    app.get("/secret", () => { throw new HttpError(503, "db password wrong", { expose: false }); });
    app.get("/boom", () => { throw new Error("kaboom"); });
    const teapot = await request(app, "GET", "/teapot");
    expect([teapot.status, teapot.text]).toEqual([418, "short and stout\n"]);
    const secret = await request(app, "GET", "/secret");
    expect(secret.status).toBe(503);
    expect(secret.text).not.toContain("password");
    const boom = await request(app, "GET", "/boom");
    expect(boom.status).toBe(500);
    expect(boom.text).not.toContain("kaboom");
    expect(boom.logs.join("\n")).toContain("kaboom");
  });

  it("answers problem+json to clients that accept JSON", async () => {
    const app = createApp().get("/x", () => { throw new HttpError(409, "taken"); });
    const reply = await request(app, "GET", "/x", { headers: { accept: "application/json" } });
    expect(reply.header("content-type")).toBe("application/problem+json");
    expect(reply.json()).toEqual({ type: "about:blank", title: "Conflict", status: 409, detail: "taken" });
  });

  it("the error hook sees handler errors and 404s and may answer", async () => {
    const seen: string[] = [];
    const app = createApp()
      .get("/fail", async () => { throw new HttpError(400, "bad"); })
      .onError((error, ctx) => {
        seen.push(`${(error as HttpError).status} ${ctx.path}`);
        return (error as HttpError).status === 404 ? html("<h1>custom 404</h1>", { status: 404 }) : undefined;
      });
    const missing = await request(app, "GET", "/nowhere");
    expect([missing.status, missing.text]).toEqual([404, "<h1>custom 404</h1>"]);
    const fail = await request(app, "GET", "/fail");
    expect([fail.status, fail.text]).toEqual([400, "bad\n"]);
    expect(seen).toEqual(["404 /nowhere", "400 /fail"]);
  });

  it("an async hook may answer; a hook that throws gets the default reply for its own error", async () => {
    const asyncHook = createApp().get("/x", () => { throw new HttpError(402, "pay"); })
      .onError(async (error) => text(`hooked ${(error as HttpError).status}`, { status: 402 }));
    expect((await request(asyncHook, "GET", "/x")).text).toBe("hooked 402");
    const throwing = createApp().get("/x", () => { throw new HttpError(402, "pay"); })
      .onError(() => { throw new HttpError(409, "hook broke"); });
    const reply = await request(throwing, "GET", "/x");
    expect([reply.status, reply.text]).toEqual([409, "hook broke\n"]);
    const head = await request(throwing, "HEAD", "/x");
    expect(head.status).toBe(409);
  });

  it("shows the development page with the stack only in development, never in production", async () => {
    const make = (development: boolean): App => createApp({ development }).get("/boom", () => { throw new Error("kaboom <script>"); });
    const dev = await request(make(true), "GET", "/boom");
    expect(dev.status).toBe(500);
    expect(dev.header("content-type")).toBe("text/html; charset=utf-8");
    expect(dev.text).toContain("kaboom &#60;script&#62;");
    expect(dev.text).toContain("app.test.ts");
    const prod = await request(make(false), "GET", "/boom");
    expect(prod.text).toBe("Internal Server Error\n");
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      const forced = await request(make(true), "GET", "/boom");
      expect(forced.text).toBe("Internal Server Error\n");
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it("fails fast at registration", () => {
    const app = createApp().get("/a/:id", { name: "a" }, () => "");
    expect(() => app.get("/a/:other", () => "")).toThrow(/GET \/a\/:other conflicts with GET \/a\/:id/);
    expect(() => app.get("/b/:id(\\d+)", () => "")).toThrow(/route GET \/b\/:id\(\\d\+\): regexp constraints .* declare a params schema/);
    expect(() => app.get("/c", { name: "a" }, () => "")).toThrow(/name "a" is already used by GET \/a\/:id/);
    expect(() => app.route("GET POST", "/d", () => "")).toThrow(/HTTP token/);
    expect(() => app.mount("/api/", app)).toThrow(/must start with \/, not end with \//);
    expect(() => app.get("/e", { qeury: {} } as never, () => "")).toThrow(/route GET \/e: unknown option "qeury"/);
    expect(() => app.get("/f", { query: { page: "number" } } as never, () => "")).toThrow(/option "query" must be a zod schema/);
    expect(() => createApp({ trailingSlash: "always" as never })).toThrow(/trailingSlash must be/);
  });
});

describe("request helpers", () => {
  it("reads query, headers, cookies, url, client address and the body", async () => {
    const app = createApp().post("/echo", async (ctx) => ({
      query: ctx.query,
      all: ctx.searchParams.getAll("t"),
      agent: ctx.header("User-Agent"),
      type: ctx.headers["content-type"],
      cookie: ctx.cookie("sid"),
      cookies: ctx.cookies,
      url: ctx.url.href,
      ip: ctx.clientAddress,
      aborted: ctx.signal.aborted,
      body: await ctx.json(),
    }));
    const reply = await request(app, "POST", "/echo?q=x&t=1&t=2", {
      headers: { "user-agent": "vitest", cookie: "sid=s%20id; bad=%E0%A4%A" },
      body: { hello: "world" },
      remoteAddr: "10.1.2.3",
    });
    expect(reply.json()).toEqual({
      query: { q: "x", t: ["1", "2"] }, all: ["1", "2"], agent: "vitest", type: "application/json",
      cookie: "s id", cookies: { sid: "s id", bad: "%E0%A4%A" }, url: "http://localhost/echo?q=x&t=1&t=2",
      ip: "10.1.2.3", aborted: false, body: { hello: "world" },
    });
  });

  it("exposes the request's AbortSignal and keeps no state between concurrent requests", async () => {
    const app = createApp().get("/wait/:n", async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, Number(ctx.params.n)));
      return { n: ctx.params.n, aborted: ctx.signal.aborted, q: ctx.query.q };
    });
    const controller = new AbortController();
    controller.abort();
    const [slow, fast, aborted] = await Promise.all([
      request(app, "GET", "/wait/20?q=slow"), request(app, "GET", "/wait/1?q=fast"), request(app, "GET", "/wait/1", { signal: controller.signal }),
    ]);
    expect(slow.json()).toEqual({ n: "20", aborted: false, q: "slow" });
    expect(fast.json()).toEqual({ n: "1", aborted: false, q: "fast" });
    expect(aborted.json()).toMatchObject({ aborted: true });
  });

  it("is taken by toService like any app (what tsgi serve does)", async () => {
    const app = createApp().get("/", () => "hi");
    const service = await toService(app);
    expect(service.app).toBe(app);
  });

  it("refuses a body over the limit with 413", async () => {
    const app = createApp({ bodyLimit: 10 }).post("/t", async (ctx) => ctx.text());
    const reply = await request(app, "POST", "/t", { body: "x".repeat(11) });
    expect(reply.status).toBe(413);
  });

  it("reads urlencoded and multipart forms", async () => {
    const app = createApp().post("/form", async (ctx) => {
      const form = await ctx.form();
      return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === "string" || Array.isArray(v) ? v : `${v.filename}:${v.type}:${v.text()}`]));
    });
    expect((await request(app, "POST", "/form", { form: { a: "1", b: "" } })).json()).toEqual({ a: "1", b: "" });
    const boundary = "----b0undary";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nDune\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n--${boundary}--\r\n`;
    const reply = await request(app, "POST", "/form", { body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(reply.json()).toEqual({ title: "Dune", file: "a.txt:text/plain:line1\r\nline2" });
  });
});
