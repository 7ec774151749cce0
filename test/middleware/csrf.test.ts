import { describe, expect, it } from "vitest";
import { readText, stack, type App } from "tsgi";
import { request } from "tsgi/testing";
import { csrf, csrfToken } from "tsgi/middleware/csrf";
import { sessions } from "tsgi/middleware/session";
import { Jar } from "./support.js";

const KEY = "k".repeat(40);
const form: App = async (env) => {
  if (env.REQUEST_METHOD === "GET") return { status: 200, headers: [["content-type", "text/plain"]], body: csrfToken(env) };
  return { status: 200, headers: [["content-type", "text/plain"]], body: `posted ${await readText(env)}` };
};
const site = stack(sessions({ keys: [KEY] }), csrf({ trustedOrigins: ["https://admin.example.com"] }), form);

async function tokenAndJar(): Promise<{ token: string; jar: Jar }> {
  const jar = new Jar();
  const reply = jar.take(await request(site, "GET", "http://shop.example/form"));
  return { token: reply.text, jar };
}

describe("csrf", () => {
  it("accepts a same-origin form post with the token, and hands the app the body intact", async () => {
    const { token, jar } = await tokenAndJar();
    const reply = await request(site, "POST", "http://shop.example/buy", {
      form: { book: "dune", _csrf: token }, headers: jar.headers({ origin: "http://shop.example", "sec-fetch-site": "same-origin" }),
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(`posted book=dune&_csrf=${token}`);
  });

  it("masks the token differently every time; every mask is valid", async () => {
    const jar = new Jar();
    const first = jar.take(await request(site, "GET", "/form")).text;
    const second = jar.take(await request(site, "GET", "/form", { headers: jar.headers() })).text;
    expect(first).not.toBe(second);
    for (const token of [first, second]) {
      const reply = await request(site, "POST", "/x", { body: "{}", headers: jar.headers({ "x-csrf-token": token, "content-type": "application/json" }) });
      expect(reply.status).toBe(200);
    }
  });

  it("refuses cross-site requests by Sec-Fetch-Site or Origin, even with a valid token", async () => {
    const { token, jar } = await tokenAndJar();
    const cases: Array<Record<string, string>> = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "http://evil.example" },
      { origin: "null" },
      { origin: "https://shop.example" }, // scheme differs
    ];
    for (const headers of cases) {
      const reply = await request(site, "POST", "http://shop.example/buy", { form: { _csrf: token }, headers: jar.headers(headers) });
      expect(reply.status, JSON.stringify(headers)).toBe(403);
      expect(reply.text).toMatch(/^CSRF check failed/);
    }
    const trusted = await request(site, "POST", "http://shop.example/buy", { form: { _csrf: token }, headers: jar.headers({ origin: "https://admin.example.com" }) });
    expect(trusted.status).toBe(200);
  });

  it("refuses missing, wrong, truncated and foreign tokens", async () => {
    const { token, jar } = await tokenAndJar();
    const other = await tokenAndJar();
    for (const bad of [undefined, "", "x", token.slice(0, -1), token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA"), other.token, "A".repeat(86)]) {
      const formBody: Record<string, string> = bad === undefined ? { a: "1" } : { _csrf: bad };
      const reply = await request(site, "POST", "/buy", { form: formBody, headers: jar.headers() });
      expect(reply.status, String(bad)).toBe(403);
    }
    // No session at all: nothing to compare with.
    expect((await request(site, "POST", "/buy", { form: { _csrf: token } })).status).toBe(403);
  });

  it("lets safe methods through and can run origin-only", async () => {
    expect((await request(site, "HEAD", "/form")).status).toBe(200);
    const originOnly = csrf({ token: false })(() => ({ status: 200, headers: [] }));
    expect((await request(originOnly, "POST", "/x", { headers: { "sec-fetch-site": "same-origin" } })).status).toBe(200);
    expect((await request(originOnly, "POST", "/x", { headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
  });

  it("fails fast on a malformed trusted origin", () => {
    expect(() => csrf({ trustedOrigins: ["https://a.example/"] })).toThrow(/trusted origin/);
  });
});
