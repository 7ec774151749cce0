// Logout is final (issue 12 item 7) and login rotates the CSRF token (item 11): cookie sessions revoke
// their id, so a cookie kept from before logout is refused; a request in flight cannot revive a session.
import { describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { request } from "tsgi/testing";
import { formLogin, getUser, logout, sessionUser } from "tsgi/middleware/auth";
import { csrf, csrfToken } from "tsgi/middleware/csrf";
import { memoryStore, sessions, type SessionOptions } from "tsgi/middleware/session";
import { slowSite } from "./store-suite.js";
import { Jar } from "./support.js";

const KEYS = ["a-secret-of-at-least-32-bytes-long!"];
const USERS = new Map([["ada", { id: "ada" }]]);

function site(options: Partial<SessionOptions> = {}): App {
  const pages: App = (env) => {
    if (env.PATH_INFO === "/bare-logout") logout(env);
    if (env.PATH_INFO === "/form") return { status: 200, headers: [["content-type", "text/plain"]], body: csrfToken(env) };
    return { status: 200, headers: [["content-type", "text/plain"]], body: `user=${getUser(env)?.id ?? "-"}` };
  };
  return sessions({ keys: KEYS, ...options })(csrf()(sessionUser({ load: (id) => USERS.get(id) })(
    formLogin({ authenticate: (name, password) => (password === "right" ? USERS.get(name) : undefined), limits: false })(pages))));
}

async function loggedIn(app: App): Promise<Jar> {
  const jar = new Jar();
  const token = jar.take(await request(app, "GET", "/form")).text;
  const reply = jar.take(await request(app, "POST", "/login", { headers: jar.headers(), form: { username: "ada", password: "right", _csrf: token } }));
  expect(reply.status).toBe(303);
  expect((await request(app, "GET", "/", { headers: jar.headers() })).text).toBe("user=ada");
  return jar;
}

describe("cookie sessions: logout is final", () => {
  it("refuses a signed cookie kept from before logout, and the logout reply replaces it", async () => {
    const app = site();
    const jar = await loggedIn(app);
    const token = jar.take(await request(app, "GET", "/form", { headers: jar.headers() })).text;
    const kept = jar.headers();
    const out = jar.take(await request(app, "POST", "/logout", { headers: kept, form: { _csrf: token } }));
    expect(out.status).toBe(303);
    expect(out.headerAll("set-cookie")).toHaveLength(1);
    expect((await request(app, "GET", "/", { headers: kept })).text).toBe("user=-");
    expect((await request(app, "GET", "/", { headers: jar.headers() })).text).toBe("user=-");
  });

  it("clears the cookie when logout leaves nothing in the session", async () => {
    const app = site();
    const jar = await loggedIn(app);
    const kept = jar.headers();
    const out = await request(app, "GET", "/bare-logout", { headers: kept });
    expect(out.header("set-cookie")).toMatch(/^session=; Max-Age=0;/);
    expect((await request(app, "GET", "/", { headers: kept })).text).toBe("user=-");
  });

  it("is final across processes that share a revocation store", async () => {
    const revocations = memoryStore();
    const one = site({ revocations });
    const two = site({ revocations });
    const jar = await loggedIn(one);
    const kept = jar.headers();
    expect((await request(two, "GET", "/", { headers: kept })).text).toBe("user=ada");
    await request(one, "GET", "/bare-logout", { headers: kept });
    expect((await request(two, "GET", "/", { headers: kept })).text).toBe("user=-");
  });

  it("keeps a logout final while a request of the same session is still running", async () => {
    const { app, slowStarted, finishSlow } = slowSite((inner) => sessions({ keys: KEYS })(inner));
    const jar = new Jar();
    jar.take(await request(app, "GET", "/login"));
    const kept = jar.headers();
    const slow = request(app, "GET", "/slow", { headers: kept });
    await slowStarted;
    jar.take(await request(app, "GET", "/logout", { headers: kept }));
    finishSlow();
    const late = await slow;
    expect(late.headerAll("set-cookie")).toEqual([]);
    expect((await request(app, "GET", "/", { headers: kept })).text).toBe("user=-");
    expect((await request(app, "GET", "/", { headers: jar.headers() })).text).toBe("user=- bye");
  });

  it("with revocations: false keeps the old behaviour: a kept cookie stays valid until maxAge", async () => {
    const app = site({ revocations: false });
    const jar = await loggedIn(app);
    const kept = jar.headers();
    await request(app, "GET", "/bare-logout", { headers: kept });
    expect((await request(app, "GET", "/", { headers: kept })).text).toBe("user=ada");
  });
});

describe("login rotates the CSRF token (issue 12 item 11)", () => {
  it("refuses a token issued to the anonymous session once the user has logged in", async () => {
    const app = site();
    const jar = new Jar();
    const anonymousToken = jar.take(await request(app, "GET", "/form")).text;
    jar.take(await request(app, "POST", "/login", { headers: jar.headers(), form: { username: "ada", password: "right", _csrf: anonymousToken } }));
    const stale = await request(app, "POST", "/logout", { headers: jar.headers(), form: { _csrf: anonymousToken } });
    expect(stale.status).toBe(403);
    const fresh = jar.take(await request(app, "GET", "/form", { headers: jar.headers() })).text;
    expect(fresh).not.toBe(anonymousToken);
    expect((await request(app, "POST", "/logout", { headers: jar.headers(), form: { _csrf: fresh } })).status).toBe(303);
  });
});
