import { describe, expect, it } from "vitest";
import { stack, type App } from "tsgi";
import { createApp, html, redirect } from "tsgi/framework";
import { formLogin, getUser, requireUser, sessionUser } from "tsgi/middleware/auth";
import { csrf, csrfToken } from "tsgi/middleware/csrf";
import { sessions } from "tsgi/middleware/session";
import { CookieJar, formsIn, TestClient } from "tsgi/testing";

describe("CookieJar", () => {
  it("keeps, replaces and expires cookies, and sends only those whose path matches", () => {
    const jar = new CookieJar();
    const now = 1_000_000;
    jar.store(["sid=abc%20d; Path=/; HttpOnly", "pref=dark; Path=/account", "short=1; Max-Age=10"], "/login", now);
    expect(jar.header("/", now)).toBe("sid=abc%20d; short=1");
    expect(jar.header("/account/settings", now)).toBe("pref=dark; sid=abc%20d; short=1");
    expect(jar.header("/accounting", now)).toBe("sid=abc%20d; short=1");
    expect(jar.header("/", now + 11_000)).toBe("sid=abc%20d");
    jar.store(["sid=new; Path=/"], "/", now);
    expect(jar.get("sid")).toBe("new");
    jar.store(["sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], "/", now);
    expect(jar.get("sid")).toBeUndefined();
    expect(jar.toJSON()).toEqual({ pref: "dark" });
  });

  it("defaults the path to the request's directory (RFC 6265 5.1.4)", () => {
    const jar = new CookieJar();
    jar.store(["a=1"], "/shop/cart");
    expect(jar.header("/shop/x")).toBe("a=1");
    expect(jar.header("/other")).toBeUndefined();
  });
});

describe("TestClient as an agent", () => {
  const app = createApp()
    .post("/set", (ctx) => {
      ctx.setCookie("sid", "s 1", { httpOnly: true });
      return redirect("/who", 303);
    })
    .get("/who", (ctx) => ({ sid: ctx.cookie("sid") ?? null }))
    .get("/hop/:n", (ctx) => (Number(ctx.params.n) > 0 ? redirect(`/hop/${Number(ctx.params.n) - 1}`) : "landed"))
    .get("/loop", () => redirect("/loop"))
    .get("/away", () => redirect("https://elsewhere.example/x"))
    .route("POST", "/keep", () => redirect("/echo", 307))
    .post("/echo", async (ctx) => ({ method: ctx.method, body: await ctx.text() }));

  it("keeps Set-Cookie and sends it back; a plain client does not", async () => {
    const agent = new TestClient(app, {}, { cookies: true });
    await agent.post("/set");
    expect(agent.cookies.get("sid")).toBe("s%201");
    expect((await agent.get("/who")).json()).toEqual({ sid: "s 1" });
    const plain = new TestClient(app);
    await plain.post("/set");
    expect((await plain.get("/who")).json()).toEqual({ sid: null });
  });

  it("follows redirects when asked: 303 turns a POST into a GET, 307 keeps the method and body", async () => {
    const client = new TestClient(app, {}, { cookies: true, followRedirects: true });
    const after = await client.post("/set");
    expect(after.status).toBe(200);
    expect(after.url).toBe("http://localhost/who");
    expect(after.redirects).toEqual(["http://localhost/set"]);
    expect(after.json()).toEqual({ sid: "s 1" });
    const kept = await client.post("/keep", { body: "payload" });
    expect(kept.json()).toEqual({ method: "POST", body: "payload" });
    expect((await client.get("/hop/3")).redirects).toHaveLength(3);
  });

  it("stops at another host, at the limit, and does not follow unless asked", async () => {
    const client = new TestClient(app, {}, { followRedirects: 2 });
    expect((await client.get("/away")).status).toBe(302);
    const limited = await client.get("/hop/5");
    expect(limited.status).toBe(302);
    expect(limited.redirects).toHaveLength(2);
    expect((await new TestClient(app).get("/hop/1")).status).toBe(302);
    expect(() => new TestClient(app, {}, { followRedirects: -1 })).toThrow(/followRedirects must be/);
  });
});

describe("forms", () => {
  it("reads actions, methods and input values, hidden ones included", () => {
    const page = `<form action="/a?x=1&amp;y=2" method=post><input type="hidden" name="_csrf" value='t&lt;k'>
      <input name=q value=hello><input type=checkbox name=c checked><input type=checkbox name=d>
      <input type=submit name=go value=Go><input name=off disabled value=x></form><FORM><input name="z"></FORM>`;
    expect(formsIn(page)).toEqual([
      { action: "/a?x=1&y=2", method: "POST", fields: { _csrf: "t<k", q: "hello", c: "on" } },
      { action: "", method: "GET", fields: { z: "" } },
    ]);
  });
});

describe("a form + CSRF + session round trip", () => {
  const keys = ["k".repeat(32)];
  function site(): App {
    const pages = createApp()
      .get("/login", (ctx) => html`<form method="post" action="${ctx.env.SCRIPT_NAME}/login">
        <input type="hidden" name="_csrf" value="${csrfToken(ctx.env)}">
        <input name="username"><input type="password" name="password"><input type="hidden" name="next" value="/account"></form>`)
      .get("/account", (ctx) => html`<p>Hello ${getUser(ctx.env)?.id ?? "nobody"}</p>`)
      .get("/", () => "home");
    pages.use("/account", requireUser({ loginPath: "/login" }));
    return stack(
      sessions({ keys }),
      sessionUser({ load: (id) => ({ id }) }),
      csrf(),
      formLogin({ authenticate: (username, password) => (username === "ada" && password === "pw" ? { id: "ada" } : undefined), limits: false }),
      pages,
    );
  }

  it("submitForm fetches the login page and posts it back with its token; the session then logs the user in", async () => {
    const client = new TestClient(site(), {}, { cookies: true, followRedirects: true });
    const reply = await client.submitForm("/login", { username: "ada", password: "pw" });
    expect(reply.status).toBe(200);
    expect(reply.url).toBe("http://localhost/account");
    expect(reply.text).toBe("<p>Hello ada</p>");
    expect((await client.get("/account")).text).toBe("<p>Hello ada</p>");
  });

  it("without the token the post is refused, so the helper is what carries it", async () => {
    const client = new TestClient(site(), {}, { cookies: true });
    await client.get("/login");
    const bare = await client.post("/login", { form: { username: "ada", password: "pw" } });
    expect(bare.status).toBe(403);
    expect(bare.text).toMatch(/CSRF check failed: no token/);
  });

  it("a wrong form choice names the forms there are", async () => {
    const client = new TestClient(site(), {}, { cookies: true });
    await expect(client.submitForm("/login", {}, { form: "/signup" })).rejects.toThrow(/has 1 form\(s\) \(actions: "\/login"\) and none is "\/signup"/);
    await expect(client.submitForm("/account", {})).rejects.toThrow(/GET \/account answered 303, not a page with a form/);
  });
});
