// CSRF for APIs (issue 13 item 6): bearer-token requests and requests without a session can be spared
// the token by option; the origin check still applies to them, and the default is unchanged.
import { describe, expect, it } from "vitest";
import { readText, stack, type App } from "tsgi";
import { request } from "tsgi/testing";
import { bearerAuth, getUser, login, sessionUser, tokenTable } from "tsgi/middleware/auth";
import { csrf, csrfToken, type CsrfExemption } from "tsgi/middleware/csrf";
import { sessions } from "tsgi/middleware/session";
import { Jar } from "./support.js";

const KEY = "k".repeat(40);
const echo: App = async (env) => {
  if (env.REQUEST_METHOD === "GET") return { status: 200, headers: [["content-type", "text/plain"]], body: csrfToken(env) };
  if (env.PATH_INFO === "/login") login(env, { id: "ada" });
  return { status: 200, headers: [["content-type", "text/plain"]], body: `${getUser(env)?.id ?? "-"} ${await readText(env)}` };
};
const site = (exempt?: CsrfExemption[]): App => stack(sessions({ keys: [KEY] }), csrf(exempt === undefined ? {} : { exempt }), sessionUser({ load: (id) => ({ id }) }), echo);
const json = (headers: Record<string, string> = {}) => ({ body: { title: "Dune" }, headers: { origin: "http://shop.example", ...headers } });

async function loggedIn(app: App): Promise<Jar> {
  const jar = new Jar();
  const token = jar.take(await request(app, "GET", "http://shop.example/form")).text;
  jar.take(await request(app, "POST", "http://shop.example/login", { form: { _csrf: token }, headers: jar.headers() }));
  expect(jar.cookies.has("session")).toBe(true);
  return jar;
}

describe("csrf exemptions", () => {
  it("by default refuses a same-origin JSON POST with a bearer token and no CSRF token", async () => {
    const reply = await request(site(), "POST", "http://shop.example/api/books", json({ authorization: "Bearer abc" }));
    expect(reply.status).toBe(403);
    expect(reply.text).toMatch(/no token/);
  });

  it('"bearer" lets bearer requests through without a token, still checking the origin', async () => {
    const app = site(["bearer"]);
    expect((await request(app, "POST", "http://shop.example/api/books", json({ authorization: "Bearer abc" }))).status).toBe(200);
    expect((await request(app, "POST", "http://shop.example/api/books", { body: "{}", headers: { authorization: "bearer abc", "content-type": "application/json" } })).status).toBe(200);
    const crossSite = await request(app, "POST", "http://shop.example/api/books", json({ authorization: "Bearer abc", origin: "https://evil.example", "sec-fetch-site": "cross-site" }));
    expect(crossSite.status).toBe(403);
    expect(crossSite.text).toMatch(/cross-site/);
    for (const authorization of ["Basic YWRhOnB3", "Bearer ", "Bearerabc"]) {
      expect((await request(app, "POST", "http://shop.example/api/books", json({ authorization }))).status, authorization).toBe(403);
    }
    const jar = await loggedIn(app);
    expect((await request(app, "POST", "http://shop.example/api/books", json(jar.headers()))).status).toBe(403);
  });

  it('"bearer" with bearerAuth: the token decides who the user is, never the session cookie riding along', async () => {
    const api = stack(
      sessions({ keys: [KEY] }),
      csrf({ exempt: ["bearer"] }),
      bearerAuth({ verify: tokenTable({ "ci-token": { id: "ci" } }), optional: true }),
      sessionUser({ load: (id) => ({ id }) }),
      echo,
    );
    const jar = await loggedIn(api);
    const asCi = await request(api, "POST", "http://shop.example/api/books", json(jar.headers({ authorization: "Bearer ci-token" })));
    expect(asCi.status).toBe(200);
    expect(asCi.text).toBe('ci {"title":"Dune"}');
    expect((await request(api, "POST", "http://shop.example/api/books", json({ authorization: "Bearer wrong" }))).status).toBe(401);
  });

  it('"no-session" lets requests without a valid session through, but not a logged-in browser without a token', async () => {
    const app = site(["no-session"]);
    expect((await request(app, "POST", "http://shop.example/api/books", json())).status).toBe(200);
    expect((await request(app, "POST", "http://shop.example/api/books", json({ cookie: "session=forged.value" }))).status).toBe(200);
    const jar = await loggedIn(app);
    const withSession = await request(app, "POST", "http://shop.example/api/books", json(jar.headers()));
    expect(withSession.status).toBe(403);
    const token = jar.take(await request(app, "GET", "http://shop.example/form", { headers: jar.headers() })).text;
    expect((await request(app, "POST", "http://shop.example/api/books", json(jar.headers({ "x-csrf-token": token })))).text).toBe('ada {"title":"Dune"}');
    const crossSite = await request(app, "POST", "http://shop.example/login", { form: { x: "1" }, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
  });

  it("refuses an unknown exemption at registration, naming the choices", () => {
    expect(() => csrf({ exempt: ["cookie" as CsrfExemption] })).toThrow(/unknown csrf exemption "cookie": use "bearer" or "no-session"/);
  });
});
