import { describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { request } from "tsgi/testing";
import { cors } from "tsgi/middleware/cors";
import { DEFAULT_CSP, securityHeaders } from "tsgi/middleware/security-headers";

const ok: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "ok" });

describe("securityHeaders", () => {
  it("adds the defaults, HSTS only over https, and keeps what the app set", async () => {
    const app = securityHeaders()(() => ({ status: 200, headers: [["x-frame-options", "DENY"]], body: "" }));
    const plain = await request(app, "GET", "/");
    expect(plain.header("x-content-type-options")).toBe("nosniff");
    expect(plain.header("content-security-policy")).toBe(DEFAULT_CSP);
    expect(plain.header("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(plain.headerAll("x-frame-options")).toEqual(["DENY"]);
    expect(plain.header("strict-transport-security")).toBeUndefined();
    const secure = await request(app, "GET", "https://example.com/");
    expect(secure.header("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  });

  it("can leave headers out or report only, and refuses header injection", async () => {
    const app = securityHeaders({ contentSecurityPolicy: "default-src 'none'", cspReportOnly: true, frameOptions: false, hsts: false })(ok);
    const reply = await request(app, "GET", "https://example.com/");
    expect(reply.header("content-security-policy-report-only")).toBe("default-src 'none'");
    expect(reply.header("content-security-policy")).toBeUndefined();
    expect(reply.header("x-frame-options")).toBeUndefined();
    expect(reply.header("strict-transport-security")).toBeUndefined();
    expect(() => securityHeaders({ contentSecurityPolicy: "a\r\nSet-Cookie: x=1" })).toThrow(/CR, LF/);
  });
});

describe("cors", () => {
  const api = cors({ origins: ["https://app.example.com"], credentials: true, exposeHeaders: ["x-total"] })(ok);

  it("answers a preflight from an allowed origin", async () => {
    const reply = await request(api, "OPTIONS", "/books", { headers: { origin: "https://app.example.com", "access-control-request-method": "PUT", "access-control-request-headers": "content-type, x-csrf-token" } });
    expect(reply.status).toBe(204);
    expect(reply.header("access-control-allow-origin")).toBe("https://app.example.com");
    expect(reply.header("access-control-allow-credentials")).toBe("true");
    expect(reply.header("access-control-allow-methods")).toContain("PUT");
    expect(reply.header("access-control-allow-headers")).toBe("content-type, x-csrf-token");
    expect(reply.header("access-control-max-age")).toBe("600");
    expect(reply.header("vary")).toMatch(/Origin/);
  });

  it("refuses a preflight from another origin, and adds nothing to its actual requests", async () => {
    const pre = await request(api, "OPTIONS", "/books", { headers: { origin: "https://evil.example", "access-control-request-method": "DELETE" } });
    expect(pre.status).toBe(403);
    expect(pre.header("access-control-allow-origin")).toBeUndefined();
    const actual = await request(api, "GET", "/books", { headers: { origin: "https://evil.example" } });
    expect(actual.status).toBe(200);
    expect(actual.header("access-control-allow-origin")).toBeUndefined();
    expect(actual.header("vary")).toBe("Origin");
  });

  it("decorates actual requests from an allowed origin", async () => {
    const reply = await request(api, "GET", "/books", { headers: { origin: "https://app.example.com" } });
    expect(reply.header("access-control-allow-origin")).toBe("https://app.example.com");
    expect(reply.header("access-control-expose-headers")).toBe("x-total");
    const open = await request(cors({ origins: "*" })(ok), "GET", "/", { headers: { origin: "https://any.example" } });
    expect(open.header("access-control-allow-origin")).toBe("*");
    expect(open.header("access-control-allow-credentials")).toBeUndefined();
    const plainOptions = await request(api, "OPTIONS", "/books");
    expect(plainOptions.text).toBe("ok");
  });

  it("fails fast on unsafe configurations", () => {
    expect(() => cors({ origins: "*", credentials: true })).toThrow(/credentials/);
    expect(() => cors({ origins: ["https://a.example/"] })).toThrow(/origin/);
  });
});
