// Guards and formLogin build their URLs against the site root (env["tsgi.site_root"], else SCRIPT_NAME),
// so a guard inside a mount points at the site's login page, and a guard never loops on its own login page.
import { describe, expect, it } from "vitest";
import { stack, type App } from "tsgi";
import { createApp, html } from "tsgi/framework";
import { request, TestClient } from "tsgi/testing";
import { formLogin, getUser, requireRole, requireUser, sessionUser, siteRoot } from "tsgi/middleware/auth";
import { csrf, csrfToken } from "tsgi/middleware/csrf";
import { sessions } from "tsgi/middleware/session";

const KEYS = ["a secret of at least thirty-two bytes!!"];
const whoami: App = (env) => ({ status: 200, headers: [["content-type", "text/plain"]], body: `${getUser(env)?.id ?? "-"} ${env.SCRIPT_NAME}|${env.PATH_INFO}` });
const users: Record<string, { id: string; roles: string[] }> = { ada: { id: "ada", roles: ["admin"] }, bob: { id: "bob", roles: [] } };

describe("siteRoot", () => {
  it("is tsgi.site_root when SCRIPT_NAME lies below it, else SCRIPT_NAME", async () => {
    const seen: string[] = [];
    const spy: App = (env) => { seen.push(siteRoot(env)); return whoami(env); };
    const site = createApp().mount("/account", spy);
    await request(site, "GET", "/shop/account/x", { scriptName: "/shop" });
    await request(spy, "GET", "/plain/x", { scriptName: "/plain" });
    await request(spy, "GET", "/other/x", { scriptName: "/other", env: { "tsgi.site_root": "/elsewhere" } });
    expect(seen).toEqual(["/shop", "/plain", "/other"]);
  });
});

describe("a guard inside a mount", () => {
  const account = createApp().get("/orders", () => "orders").get("/login", () => "the account's own login, never used");
  const site = createApp()
    .get("/login", () => "site login form")
    .mount("/account", account, { middleware: [requireUser({ loginPath: "/login" })] });

  it("redirects to the site's login page with the site path as next, not into the mount", async () => {
    const reply = await request(site, "GET", "/account/orders?page=2");
    expect(reply.status).toBe(303);
    expect(reply.header("location")).toBe("/login?next=%2Faccount%2Forders%3Fpage%3D2");
    const prefixed = await request(site, "GET", "/shop/account/orders", { scriptName: "/shop" });
    expect(prefixed.header("location")).toBe("/shop/login?next=%2Faccount%2Forders");
    expect((await request(site, "GET", "/shop/login", { scriptName: "/shop" })).text).toBe("site login form");
  });

  it("lets a logged-in user through", async () => {
    const reply = await request(site, "GET", "/account/orders", { env: { "tsgi.user": { id: "ada" } } });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("orders");
  });

  it("a requireRole route middleware inside a mount does the same, and 403s a user without the role", async () => {
    const admin = createApp().get("/reports", { middleware: [requireRole("admin", { loginPath: "/login" })] }, () => "reports");
    const outer = createApp().mount("/admin", admin);
    expect((await request(outer, "GET", "/site/admin/reports", { scriptName: "/site" })).header("location")).toBe("/site/login?next=%2Fadmin%2Freports");
    expect((await request(outer, "GET", "/admin/reports", { env: { "tsgi.user": users.bob } })).status).toBe(403);
    expect((await request(outer, "GET", "/admin/reports", { env: { "tsgi.user": users.ada } })).text).toBe("reports");
  });
});

describe("a guard around the whole site, login page included", () => {
  it("lets the login page itself through instead of looping /login → /login?next=%2Flogin", async () => {
    for (const guard of [requireUser({ loginPath: "/login" }), requireRole("admin", { loginPath: "/login" })]) {
      const app = guard(whoami);
      const login = await request(app, "GET", "/login?next=%2Freports");
      expect(login.status).toBe(200);
      expect(login.text).toBe("- |/login");
      expect((await request(app, "GET", "/reports")).header("location")).toBe("/login?next=%2Freports");
      expect((await request(app, "GET", "/login/more")).status).toBe(303);
    }
    const bob = await request(requireRole("admin", { loginPath: "/login" })(whoami), "GET", "/login", { env: { "tsgi.user": users.bob } });
    expect(bob.status).toBe(200);
  });

  it("refuses a loginPath with a query or fragment at registration", () => {
    expect(() => requireUser({ loginPath: "/login?x=1" })).toThrow(/no spaces, controls, query or fragment/);
    expect(() => requireUser({ loginPath: "//evil" })).toThrow(/must be a local path/);
  });
});

describe("formLogin inside a mount", () => {
  const account = createApp()
    .get("/login", (ctx) => html`<form method="post" action="${ctx.env.SCRIPT_NAME}/login">
      <input type="hidden" name="_csrf" value="${csrfToken(ctx.env)}"><input name="username"><input name="password">
      <input type="hidden" name="next" value="${ctx.searchParams.get("next") ?? "/"}"></form>`)
    .get("/orders", (ctx) => `orders of ${getUser(ctx.env)?.id ?? "?"}`);
  const pages = createApp()
    .get("/", (ctx) => `home of ${getUser(ctx.env)?.id ?? "nobody"}`)
    .mount("/account", account, {
      middleware: [
        formLogin({ path: "/account/login", logoutPath: "/account/logout", limits: false, authenticate: (name, password) => (password === "pw" ? users[name] : undefined) }),
        requireUser({ loginPath: "/account/login" }),
      ],
    });
  const site = stack(sessions({ keys: KEYS }), csrf(), sessionUser({ load: (id) => users[id] }), pages);

  it("matches its site paths and redirects against the site root, below a script name too", async () => {
    const client = new TestClient(site, { scriptName: "/shop" }, { cookies: true, followRedirects: true });
    const wanted = await client.get("http://localhost/shop/account/orders");
    expect(wanted.url).toBe("http://localhost/shop/account/login?next=%2Faccount%2Forders");
    const failed = await client.submitForm(wanted.url, { username: "ada", password: "nope" });
    expect(failed.url).toBe("http://localhost/shop/account/login?next=%2Faccount%2Forders");
    const ok = await client.submitForm(wanted.url, { username: "ada", password: "pw" });
    expect(ok.url).toBe("http://localhost/shop/account/orders");
    expect(ok.text).toBe("orders of ada");
    const out = await client.post("http://localhost/shop/account/logout", { form: { _csrf: /name="_csrf" value="([^"]+)"/.exec((await client.get("http://localhost/shop/account/login")).text)?.[1] ?? "" } });
    expect(out.url).toBe("http://localhost/shop/");
    expect(out.text).toBe("home of nobody");
  });
});
