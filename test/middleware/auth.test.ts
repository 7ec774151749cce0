import { describe, expect, it } from "vitest";
import { errorReply, stack, type App } from "tsgi";
import { request } from "tsgi/testing";
import { basicAuth, bearerAuth, formLogin, getUser, requireRole, requireUser, safeRedirect, sessionUser, tokenTable, type User } from "tsgi/middleware/auth";
import { hashPassword, passwordAuthenticator, type ScryptCost } from "tsgi/middleware/password";
import { getSession, memoryStore, sessions } from "tsgi/middleware/session";
import { Jar } from "./support.js";

const CHEAP: ScryptCost = { logN: 10, r: 8, p: 1 }; // tests only: production uses DEFAULT_COST
const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");
const whoami: App = (env) => ({ status: 200, headers: [["content-type", "text/plain"]], body: `${getUser(env)?.id ?? "-"} ${env.REMOTE_USER ?? "-"} ${env.AUTH_TYPE ?? "-"}` });

const users = new Map<string, { user: User; hash: string }>();
users.set("ada", { user: { id: "ada", roles: ["admin"] }, hash: await hashPassword("pa:ss wörd", CHEAP) });
users.set("bob", { user: { id: "bob", roles: [] }, hash: await hashPassword("hunter2", CHEAP) });
const authenticate = passwordAuthenticator((name) => users.get(name), CHEAP);

describe("basicAuth", () => {
  const app = basicAuth({ verify: authenticate, realm: "Penny" })(whoami);

  it("accepts good credentials, scheme case-insensitive, password split at the first colon", async () => {
    for (const scheme of ["Basic", "basic", "BASIC"]) {
      const reply = await request(app, "GET", "/", { headers: { authorization: `${scheme} ${b64("ada:pa:ss wörd")}` } });
      expect(reply.status).toBe(200);
      expect(reply.text).toBe("ada ada Basic");
    }
  });

  it("answers 401 with a challenge for missing, wrong and malformed credentials", async () => {
    const cases = [undefined, `Basic ${b64("ada:wrong")}`, `Basic ${b64("nobody:x")}`, "Basic !!!notbase64", "Basic YWRh", `Basic ${b64("no-colon")}`,
      "Basic ", "Basic", `Bearer ${b64("ada:pa:ss wörd")}`, "Basic " + Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString("base64"), "Basic " + "A".repeat(8192), "\u0001"];
    for (const authorization of cases) {
      const reply = await request(app, "GET", "/", authorization === undefined ? {} : { headers: { authorization } });
      expect(reply.status, String(authorization).slice(0, 30)).toBe(401);
      expect(reply.header("www-authenticate")).toBe('Basic realm="Penny", charset="UTF-8"');
      expect(reply.text).not.toContain("ada");
    }
  });

  it("lets anonymous requests through when optional, but not wrong credentials", async () => {
    const optional = basicAuth({ verify: authenticate, optional: true })(whoami);
    expect((await request(optional, "GET", "/")).text).toBe("- - -");
    expect((await request(optional, "GET", "/", { headers: { authorization: `Basic ${b64("ada:nope")}` } })).status).toBe(401);
  });

  it("refuses a realm that would break the header", () => {
    expect(() => basicAuth({ verify: authenticate, realm: 'a"b' })).toThrow(/realm/);
  });
});

describe("bearerAuth", () => {
  const app = bearerAuth({ verify: tokenTable({ "s3cr3t-token": { id: "ci", roles: ["deploy"] } }) })(whoami);

  it("accepts a known token", async () => {
    expect((await request(app, "GET", "/", { headers: { authorization: "bearer s3cr3t-token" } })).text).toBe("ci ci Bearer");
  });

  it("distinguishes missing, malformed and unknown tokens", async () => {
    const missing = await request(app, "GET", "/");
    expect(missing.status).toBe(401);
    expect(missing.header("www-authenticate")).toBe('Bearer realm="tsgi"');
    const malformed = await request(app, "GET", "/", { headers: { authorization: "Bearer a b" } });
    expect(malformed.status).toBe(400);
    expect(malformed.header("www-authenticate")).toContain('error="invalid_request"');
    const unknown = await request(app, "GET", "/", { headers: { authorization: "Bearer s3cr3t-tokeX" } });
    expect(unknown.status).toBe(401);
    expect(unknown.header("www-authenticate")).toContain('error="invalid_token"');
  });
});

describe("guards", () => {
  it("requireUser: 401 or a redirect to the login page with next", async () => {
    expect((await request(requireUser()(whoami), "GET", "/secret")).status).toBe(401);
    const redirect = await request(requireUser({ loginPath: "/login" })(whoami), "GET", "/shop/secret?x=1", { scriptName: "/shop" });
    expect(redirect.status).toBe(303);
    expect(redirect.header("location")).toBe("/shop/login?next=%2Fsecret%3Fx%3D1");
  });

  it("requireRole: 403 without the role, through with it", async () => {
    const guarded = (user: User | undefined): App => (env) => { if (user) env["tsgi.user"] = user; return requireRole(["admin", "editor"])(whoami)(env); };
    expect((await request(guarded(undefined), "GET", "/")).status).toBe(401);
    expect((await request(guarded({ id: "bob", roles: [] }), "GET", "/")).status).toBe(403);
    expect((await request(guarded({ id: "eve" }), "GET", "/")).status).toBe(403);
    expect((await request(guarded({ id: "ada", roles: ["editor"] }), "GET", "/")).status).toBe(200);
    expect(() => requireRole([])).toThrow(/at least one role/);
  });
});

describe("form login on sessions", () => {
  const store = memoryStore();
  const page: App = (env) => {
    const flashes = getSession(env).flashes().map((f) => f.message).join(",");
    return { status: 200, headers: [["content-type", "text/plain"]], body: `${getUser(env)?.id ?? "-"} ${flashes}`.trim() };
  };
  const inner = stack(
    sessions({ store }),
    sessionUser({ load: (id) => users.get(id)?.user }),
    formLogin({ authenticate }),
    page,
  );
  const site: App = async (env) => { try { return await inner(env); } catch (error) { return errorReply(error); } };
  const admin = stack(sessions({ store }), sessionUser({ load: (id) => users.get(id)?.user }), requireRole("admin", { loginPath: "/login" }), page);

  it("logs in with a new session id, redirects to a safe next, logs out, and a replayed cookie is refused", async () => {
    const jar = new Jar();
    jar.take(await request(site, "GET", "/anything", { headers: jar.headers() }));
    jar.take(await request(site, "POST", "/login", { form: { username: "nobody", password: "x", next: "/admin" }, headers: jar.headers() }));
    const before = jar.cookies.get("session");
    const ok = jar.take(await request(site, "POST", "/login", { form: { username: "ada", password: "pa:ss wörd", next: "/admin" }, headers: jar.headers() }));
    expect(ok.status).toBe(303);
    expect(ok.header("location")).toBe("/admin");
    expect(jar.cookies.get("session")).not.toBe(before);
    expect((await request(admin, "GET", "/admin", { headers: jar.headers() })).text).toBe("ada wrong username or password");
    const stolen = jar.headers();
    const out = jar.take(await request(site, "POST", "/logout", { headers: jar.headers() }));
    expect(out.status).toBe(303);
    expect((await request(site, "GET", "/", { headers: jar.headers() })).text).toBe("- you are logged out");
    const replay = await request(admin, "GET", "/admin", { headers: stolen });
    expect(replay.status).toBe(303);
    expect(replay.header("location")).toBe("/login?next=%2Fadmin");
  });

  it("sends a failed login back to the form with a flash, and never redirects off-site", async () => {
    const jar = new Jar();
    const failed = jar.take(await request(site, "POST", "/login", { form: { username: "ada", password: "bad", next: "//evil.example" } }));
    expect(failed.status).toBe(303);
    expect(failed.header("location")).toBe("/login?next=%2F");
    expect((await request(site, "GET", "/login", { headers: jar.headers() })).text).toBe("- wrong username or password");
    const good = await request(site, "POST", "/login", { form: { username: "bob", password: "hunter2", next: "/\\evil.example" } });
    expect(good.header("location")).toBe("/");
    const notForm = await request(site, "POST", "/login", { body: { username: "bob" } });
    expect(notForm.status).toBe(415);
  });

  it("safeRedirect keeps only local paths", () => {
    expect(safeRedirect("/books?q=1")).toBe("/books?q=1");
    for (const bad of ["//evil", "/\\evil", "https://evil", "evil", "/a\r\nb", null, undefined]) expect(safeRedirect(bad, "/home")).toBe("/home");
  });
});
