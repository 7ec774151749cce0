// Property tests: whatever a client sends in a cookie, a Basic header or a path, the middleware answers
// without throwing and never lets it through as something it is not.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { request } from "tsgi/testing";
import { basicAuth } from "tsgi/middleware/auth";
import { getSession, sessions } from "tsgi/middleware/session";
import { staticFiles } from "tsgi/middleware/static";
import { tempDir } from "../support/daemon.js";

const KEY = "fuzz-key-".repeat(5);
const show: App = (env) => ({ status: 200, headers: [["content-type", "application/json"]], body: JSON.stringify(getSession(env).toJSON()) });

describe("property: sessions", () => {
  const app = sessions({ keys: [KEY] })(show);
  const encrypted = sessions({ keys: [KEY], encrypt: true })(show);

  it("treats any cookie value it did not issue as an empty session", async () => {
    const value = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom("s1.", "e1.").chain((p) => fc.base64String({ maxLength: 200 }).map((b) => p + b.replaceAll("=", ""))));
    await fc.assert(fc.asyncProperty(value, async (cookie) => {
      for (const target of [app, encrypted]) {
        const reply = await request(target, "GET", "/", { headers: { cookie: `session=${encodeURIComponent(cookie)}` } });
        expect(reply.status).toBe(200);
        expect(reply.json()).toEqual({});
      }
    }), { numRuns: 150 });
  });

  it("round-trips any JSON data it issued, signed or encrypted", async () => {
    const data = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== "__proto__"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
    await fc.assert(fc.asyncProperty(data, fc.boolean(), async (values, encrypt) => {
      const writer = sessions({ keys: [KEY], encrypt })((env) => {
        for (const [key, value] of Object.entries(values)) getSession(env).set(key, value);
        return { status: 204, headers: [] };
      });
      const first = await request(writer, "GET", "/");
      const cookie = first.header("set-cookie");
      const reader = sessions({ keys: [KEY], encrypt })(show);
      const expected = JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
      for (const key of Object.keys(expected)) if (expected[key] === undefined) delete expected[key];
      if (cookie === undefined) return; // nothing to store (every value undefined)
      const second = await request(reader, "GET", "/", { headers: { cookie: (cookie.split(";")[0] as string) } });
      expect(second.json()).toEqual(expected);
    }), { numRuns: 100 });
  });
});

describe("property: Basic auth", () => {
  const app = basicAuth({ verify: (user, password) => (user === "ada" && password === "pw" ? { id: "ada" } : undefined) })(() => ({ status: 200, headers: [] }));

  it("answers any random Authorization header with 401, never an exception", async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), async (header) => {
      const reply = await request(app, "GET", "/", { headers: { authorization: header.replace(/[\r\n\0]/g, "") } });
      expect(reply.status).toBe(401);
    }), { numRuns: 200 });
  });
});

describe("property: static files", () => {
  const dir = tempDir("tsgi-static-fuzz-");
  const root = join(dir.path, "root");
  mkdirSync(root);
  writeFileSync(join(root, "ok.txt"), "public");
  writeFileSync(join(dir.path, "secret.txt"), "SECRET");
  afterAll(() => dir.remove());
  const app = staticFiles({ root })(() => ({ status: 404, headers: [["content-type", "text/plain"]], body: "not found" }));

  it("never serves anything outside the root, whatever PATH_INFO holds", async () => {
    const segment = fc.oneof(fc.constantFrom("..", ".", "", "secret.txt", "ok.txt", "root", "%2e%2e", "\0", "..\\", "\\.."), fc.string({ maxLength: 6 }));
    await fc.assert(fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async (parts) => {
      const path = "/" + parts.join("/");
      const reply = await request(app, "GET", "/x", { env: { PATH_INFO: path } });
      expect(reply.text).not.toContain("SECRET");
      expect([200, 301, 400, 403, 404]).toContain(reply.status);
    }), { numRuns: 300 });
  });
});
