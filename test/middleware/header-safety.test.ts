// Request data copied into reply headers never becomes header syntax (issue 12 item 1, middleware side):
// every header value the middleware writes holds only HTAB, 0x20-0x7E and 0x80-0xFF, whatever the request sent.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { App, Middleware, Reply } from "tsgi";
import { request, type TestReply } from "tsgi/testing";
import { formLogin, requireUser, safeRedirect } from "tsgi/middleware/auth";
import { cors } from "tsgi/middleware/cors";
import { requestId } from "tsgi/middleware/request-id";
import { sessions } from "tsgi/middleware/session";
import { staticFiles } from "tsgi/middleware/static";
import { tempDir } from "../support/daemon.js";

// U+010D U+010A: the low bytes are CR LF, which a server writing "Latin-1" bytes would send as a line break.
const SPLIT = "\u010d\u010aSet-Cookie: session=attacker";
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const KEYS = ["k".repeat(32)];

function expectHeaderSafe(reply: TestReply): void {
  for (const [name, value] of reply.headers) expect(HEADER_VALUE.test(value), `${name}: ${JSON.stringify(value)}`).toBe(true);
  expect(reply.headers.filter(([name]) => name.toLowerCase() === "set-cookie").some(([, value]) => value.includes("attacker"))).toBe(false);
}

const ok: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "ok" });
const withQuery = (query: string): Middleware => (app) => (env) => { env.QUERY_STRING = query; return app(env); };

describe("safeRedirect", () => {
  it("percent-encodes what a URL may not hold, so the result is always a header value", () => {
    expect(safeRedirect("/" + SPLIT)).toBe("/%C4%8D%C4%8ASet-Cookie:%20session=attacker");
    expect(safeRedirect("/search/café?q=a b&x=\"<>\"")).toBe("/search/caf%C3%A9?q=a%20b&x=%22%3C%3E%22");
    expect(safeRedirect("/already%20encoded%zz")).toBe("/already%20encoded%25zz");
    expect(safeRedirect("/lone\ud800")).toBe("/lone%EF%BF%BD");
    expect(safeRedirect(safeRedirect("/čč"))).toBe(safeRedirect("/čč"));
  });

  it("refuses what would leave the site or hides a line break or tab", () => {
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "/a\r\nb", "/\t/evil.example", "/a\u0085b", "/a\\b", "", null, undefined]) {
      expect(safeRedirect(bad, "/home"), JSON.stringify(bad)).toBe("/home");
    }
  });
});

describe("formLogin and the guards", () => {
  const site = sessions({ keys: KEYS })(formLogin({ authenticate: () => undefined, limits: false })(requireUser({ loginPath: "/login" })(ok)));

  it("sends a failed login back to the form with next= encoded", async () => {
    const reply = await request(site, "POST", "/login", { form: { username: "a", password: "b", next: "/" + SPLIT } });
    expect(reply.status).toBe(303);
    expectHeaderSafe(reply);
    expect(new URL(reply.header("location") as string, "http://x").searchParams.get("next")).toBe("/%C4%8D%C4%8ASet-Cookie:%20session=attacker");
  });

  it("redirects an anonymous visitor of any path to the login page with a header-safe next=", async () => {
    const reply = await request(withQuery(SPLIT)(site), "GET", "/private/č");
    expect(reply.status).toBe(303);
    expectHeaderSafe(reply);
    expect(decodeURIComponent(new URL(reply.header("location") as string, "http://x").searchParams.get("next") as string)).toContain("/private/");
  });

  it("refuses a login path that is not a plain local path at registration", () => {
    expect(() => requireUser({ loginPath: "/log in" })).toThrow(/loginPath/);
    expect(() => requireUser({ loginPath: "//evil" })).toThrow(/loginPath/);
  });
});

describe("cors", () => {
  const anyOrigin = cors({ origins: () => true, credentials: true })(ok);

  it("never reflects an Origin that is not a serialized origin, even when a predicate allows it", async () => {
    for (const origin of ["https://a.example" + SPLIT, "https://č.example", "https://a.example/path", "javascript:alert(1)"]) {
      const simple = await request(anyOrigin, "GET", "/", { headers: { origin } });
      expectHeaderSafe(simple);
      expect(simple.header("access-control-allow-origin"), origin).toBeUndefined();
      const preflight = await request(anyOrigin, "OPTIONS", "/", { headers: { origin, "access-control-request-method": "GET" } });
      expectHeaderSafe(preflight);
      expect(preflight.status).toBe(403);
    }
    expect((await request(anyOrigin, "GET", "/", { headers: { origin: "https://good.example:8443" } })).header("access-control-allow-origin")).toBe("https://good.example:8443");
  });

  it("echoes requested headers only when they are header names", async () => {
    const headers = { origin: "https://good.example", "access-control-request-method": "PUT" };
    const bad = await request(anyOrigin, "OPTIONS", "/", { headers: { ...headers, "access-control-request-headers": "x-a,\u2028x-b" } });
    expectHeaderSafe(bad);
    expect(bad.header("access-control-allow-headers")).toBeUndefined();
    const good = await request(anyOrigin, "OPTIONS", "/", { headers: { ...headers, "access-control-request-headers": "x-a, content-type" } });
    expect(good.header("access-control-allow-headers")).toBe("x-a, content-type");
    expect(() => cors({ origins: "*", exposeHeaders: ["x-a\r\nx-b"] })).toThrow(/exposeHeaders/);
  });
});

describe("staticFiles directory redirects", () => {
  const dir = tempDir("tsgi-header-safety-");
  mkdirSync(join(dir.path, "evil.example"));
  mkdirSync(join(dir.path, "café"));
  afterAll(() => dir.remove());
  const fallback: App = (): Reply => ({ status: 404, headers: [], body: "" });

  it("never redirects //host to another host (issue 12 item 11)", async () => {
    const site = staticFiles({ root: dir.path })(fallback);
    for (const path of ["//evil.example", "///evil.example", "/./evil.example", "//./evil.example"]) {
      const reply = await request(site, "GET", "http://localhost" + path);
      expect(reply.status, path).toBe(301);
      expect(reply.header("location"), path).toBe("/evil.example/");
    }
  });

  it("encodes non-ASCII paths and queries in the Location", async () => {
    const site = withQuery(SPLIT)(staticFiles({ root: dir.path })(fallback));
    const reply = await request(site, "GET", "/caf%C3%A9");
    expect(reply.status).toBe(301);
    expectHeaderSafe(reply);
    expect(reply.header("location")).toBe("/caf%C3%A9/?%C4%8D%C4%8ASet-Cookie:%20session=attacker");
  });
});

describe("requestId", () => {
  it("refuses a generated id that is not a header value, naming the fix", async () => {
    const site = requestId({ generate: () => "id" + SPLIT })(ok);
    await expect(Promise.resolve().then(() => site(({ REQUEST_METHOD: "GET" } as never)))).rejects.toThrow(/generate\(\) returned/);
  });
});
