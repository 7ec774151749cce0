/**
 * The shared server conformance suite: the same cases against every server (HTTP, CGI, FastCGI, SCGI).
 * A server's test file calls `serverConformance(harness)`; the harness starts the server for an app
 * (already wrapped in lint() by the suite) and gives a client speaking that server's protocol.
 *
 * @example
 * ```ts
 * serverConformance({ name: "http", start: async (app) => { ...; return { fetch, disconnectMidReply, logs, close }; } });
 * ```
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { App, Env } from "tsgi";
import { lint } from "tsgi/lint";

/** A reply as the client saw it. */
export interface ConformanceReply {
  status: number;
  /** Header pairs in order, names as received (compare case-insensitively). */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** A request: header pairs (names may repeat) and a body, whole or streamed. */
export interface ConformanceRequest {
  headers?: Array<[string, string]>;
  /** A streamed body has no known length: HTTP sends it chunked; a CGI-style harness buffers it to set CONTENT_LENGTH. */
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
}

/** One running server for one app. */
export interface ConformanceServer {
  fetch(method: string, path: string, request?: ConformanceRequest): Promise<ConformanceReply>;
  /** Sends a GET, waits for the first reply body bytes, then drops the connection (or kills the request). */
  disconnectMidReply(path: string): Promise<void>;
  /** What the server logged (app stacks, `tsgi.errors` lines) so far. */
  logs(): string[];
  close(): Promise<void>;
}

/** How to run the suite against one server. */
export interface ConformanceHarness {
  start(app: App): Promise<ConformanceServer>;
}

/** The first value of a header, case-insensitive. */
export function header(reply: ConformanceReply, name: string): string | undefined {
  const lower = name.toLowerCase();
  return reply.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** Every value of a header, in order. */
export function headerAll(reply: ConformanceReply, name: string): string[] {
  const lower = name.toLowerCase();
  return reply.headers.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
}

const TEXT: [string, string] = ["content-type", "text/plain; charset=utf-8"];

async function withServer(harness: ConformanceHarness, app: App, use: (server: ConformanceServer) => Promise<void>): Promise<void> {
  const server = await harness.start(lint()(app));
  try {
    await use(server);
  } finally {
    await server.close();
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

function pattern(size: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = x >>> 16;
  }
  return bytes;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function* slices(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) {
    yield bytes.subarray(offset, Math.min(offset + size, bytes.byteLength));
    if (offset % (size * 16) === 0) await sleep(0);
  }
}

/** Registers the conformance cases for one server. */
export function serverConformance(harness: ConformanceHarness): void {
  describe("server conformance", () => {
    it("sends the status, headers and body", async () => {
      await withServer(harness, () => ({ status: 201, headers: [TEXT, ["x-answer", "42"]], body: "créé ✓" }), async (server) => {
        const reply = await server.fetch("GET", "/");
        expect(reply.status).toBe(201);
        expect(header(reply, "x-answer")).toBe("42");
        expect(header(reply, "content-type")).toBe("text/plain; charset=utf-8");
        expect(reply.body.toString("utf8")).toBe("créé ✓");
      });
    });

    it("keeps repeated headers and every set-cookie, in order", async () => {
      const app: App = () => ({
        status: 200,
        headers: [TEXT, ["set-cookie", "a=1; Path=/"], ["x-multi", "one"], ["set-cookie", "b=2; Path=/; HttpOnly"], ["x-multi", "two"]],
        body: "ok",
      });
      await withServer(harness, app, async (server) => {
        const reply = await server.fetch("GET", "/cookies");
        expect(headerAll(reply, "set-cookie")).toEqual(["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
        expect(headerAll(reply, "x-multi").join(", ")).toBe("one, two");
      });
    });

    it("sends a 204 and a bodiless reply without a body", async () => {
      const app: App = (env) => env.PATH_INFO === "/none" ? { status: 204, headers: [] } : { status: 200, headers: [TEXT] };
      await withServer(harness, app, async (server) => {
        const none = await server.fetch("GET", "/none");
        expect(none.status).toBe(204);
        expect(none.body.byteLength).toBe(0);
        const empty = await server.fetch("GET", "/empty");
        expect(empty.status).toBe(200);
        expect(empty.body.byteLength).toBe(0);
      });
    });

    it("streams a reply made of many chunks, sync and async", async () => {
      const big = pattern(3 * 1024 * 1024, 11);
      const app: App = (env) => {
        if (env.PATH_INFO === "/sync") return { status: 200, headers: [TEXT], body: ["a", "", "b", new TextEncoder().encode("c")] };
        if (env.PATH_INFO === "/big") return { status: 200, headers: [["content-type", "application/octet-stream"]], body: slices(big, 64 * 1024) };
        return {
          status: 200,
          headers: [TEXT],
          body: (async function* () {
            for (let i = 0; i < 50; i++) {
              yield `line ${i}\n`;
              if (i % 10 === 0) await sleep(1);
            }
          })(),
        };
      };
      await withServer(harness, app, async (server) => {
        const lines = await server.fetch("GET", "/lines");
        expect(lines.status).toBe(200);
        expect(lines.body.toString()).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(""));
        expect((await server.fetch("GET", "/sync")).body.toString()).toBe("abc");
        const large = await server.fetch("GET", "/big");
        expect(large.body.byteLength).toBe(big.byteLength);
        expect(sha256(large.body)).toBe(sha256(big));
      });
    });

    it("passes request bodies through: small, empty, and streamed over 1 MiB", async () => {
      const app: App = async (env) => {
        let size = 0;
        let chunks = 0;
        const hash = createHash("sha256");
        for await (const chunk of env["tsgi.input"]) {
          size += chunk.byteLength;
          chunks++;
          hash.update(chunk);
        }
        const body = JSON.stringify({ size, chunks, sha256: hash.digest("hex"), length: env.CONTENT_LENGTH ?? null, type: env.CONTENT_TYPE ?? null });
        return { status: 200, headers: [["content-type", "application/json"]], body };
      };
      await withServer(harness, app, async (server) => {
        const small = JSON.parse((await server.fetch("POST", "/", { headers: [["content-type", "text/plain"]], body: "hello" })).body.toString()) as Record<string, unknown>;
        expect(small).toMatchObject({ size: 5, length: "5", type: "text/plain", sha256: sha256(new TextEncoder().encode("hello")) });
        const none = JSON.parse((await server.fetch("GET", "/")).body.toString()) as Record<string, unknown>;
        expect(none).toMatchObject({ size: 0, chunks: 0, type: null });
        const big = pattern(1024 * 1024 + 123_457, 3);
        const streamed = JSON.parse((await server.fetch("PUT", "/upload", { headers: [["content-type", "application/octet-stream"]], body: slices(big, 16 * 1024) })).body.toString()) as Record<string, unknown>;
        expect(streamed).toMatchObject({ size: big.byteLength, sha256: sha256(big) });
        expect(streamed.chunks as number).toBeGreaterThan(1);
      });
    });

    it("answers HEAD with the headers and no body", async () => {
      await withServer(harness, () => ({ status: 200, headers: [TEXT, ["x-kind", "head"]], body: "hello there" }), async (server) => {
        const reply = await server.fetch("HEAD", "/");
        expect(reply.status).toBe(200);
        expect(header(reply, "x-kind")).toBe("head");
        expect(reply.body.byteLength).toBe(0);
        const after = await server.fetch("GET", "/");
        expect(after.body.toString()).toBe("hello there");
      });
    });

    it("turns a throwing app into a 500 without the stack, and logs the stack", async () => {
      const app: App = (env) => {
        if (env.PATH_INFO === "/reject") return Promise.reject(new Error("secret rejection detail"));
        throw new Error("secret database password in message");
      };
      await withServer(harness, app, async (server) => {
        const reply = await server.fetch("GET", "/boom");
        expect(reply.status).toBe(500);
        const text = reply.body.toString();
        expect(text).not.toContain("secret");
        expect(text).not.toMatch(/\bat .*:\d+:\d+/);
        const rejected = await server.fetch("GET", "/reject");
        expect(rejected.status).toBe(500);
        expect(rejected.body.toString()).not.toContain("secret");
        expect(await waitFor(() => server.logs().join("\n").includes("secret database password in message"), 3000)).toBe(true);
        expect(server.logs().join("\n")).toMatch(/\bat .*:\d+:\d+/);
      });
    });

    it("fires tsgi.signal when the client disconnects mid-reply", async () => {
      let aborted = false;
      let started = false;
      const app: App = (env) => {
        const signal = env["tsgi.signal"];
        signal.addEventListener("abort", () => { aborted = true; }, { once: true });
        return {
          status: 200,
          headers: [TEXT],
          body: (async function* () {
            started = true;
            yield "first chunk\n";
            for (let i = 0; i < 500 && !signal.aborted; i++) {
              await sleep(10);
              yield ".";
            }
          })(),
        };
      };
      await withServer(harness, app, async (server) => {
        await server.disconnectMidReply("/forever");
        expect(started).toBe(true);
        expect(await waitFor(() => aborted, 4000)).toBe(true);
      });
    });

    it("builds PATH_INFO, QUERY_STRING and HTTP_* from the request", async () => {
      const app: App = (env: Env) => ({
        status: 200,
        headers: [["content-type", "application/json"]],
        body: JSON.stringify({
          method: env.REQUEST_METHOD,
          scriptName: env.SCRIPT_NAME,
          pathInfo: env.PATH_INFO,
          query: env.QUERY_STRING,
          custom: env.HTTP_X_CUSTOM_THING ?? null,
          cookie: env.HTTP_COOKIE ?? null,
          accept: env.HTTP_ACCEPT ?? null,
          host: env.HTTP_HOST ?? null,
          serverName: env.SERVER_NAME,
          port: env.SERVER_PORT,
          protocol: env.SERVER_PROTOCOL,
          gateway: env.GATEWAY_INTERFACE,
          scheme: env["tsgi.url_scheme"],
          remote: env.REMOTE_ADDR,
        }),
      });
      await withServer(harness, app, async (server) => {
        const reply = await server.fetch("GET", "/caf%C3%A9/a%20b/c?x=1&y=%20two&x=3", {
          headers: [["X-Custom-Thing", "v1"], ["Accept", "text/plain"], ["Cookie", "a=1"], ["Cookie", "b=2"]],
        });
        expect(reply.status).toBe(200);
        const seen = JSON.parse(reply.body.toString()) as Record<string, string>;
        expect(seen.method).toBe("GET");
        expect(`${seen.scriptName}${seen.pathInfo}`).toBe("/café/a b/c");
        expect(seen.query).toBe("x=1&y=%20two&x=3");
        expect(seen.custom).toBe("v1");
        expect(seen.accept).toBe("text/plain");
        expect(seen.cookie).toBe("a=1; b=2");
        expect(seen.host).not.toBeNull();
        expect(seen.serverName).toBe(String(seen.host).replace(/:\d+$/, ""));
        expect(seen.port).toMatch(/^\d+$/);
        expect(seen.protocol).toMatch(/^HTTP\/1\.[01]$/);
        expect(seen.gateway).toBe("CGI/1.1");
        expect(seen.scheme).toBe("http");
        expect(seen.remote).toBe("127.0.0.1");
        const bare = JSON.parse((await server.fetch("GET", "/")).body.toString()) as Record<string, string>;
        expect(`${bare.scriptName}${bare.pathInfo}`).toBe("/");
        expect(bare.query).toBe("");
      });
    });

    it("never lets a Proxy request header become HTTP_PROXY (httpoxy)", async () => {
      const app: App = (env) => ({ status: 200, headers: [TEXT], body: `proxy=${String(env.HTTP_PROXY)} keys=${Object.keys(env).filter((key) => key.includes("PROXY")).join(",")}` });
      await withServer(harness, app, async (server) => {
        const reply = await server.fetch("GET", "/", { headers: [["Proxy", "http://evil.example:8080"]] });
        expect(reply.status).toBe(200);
        expect(reply.body.toString()).toBe("proxy=undefined keys=");
      });
    });

    it("serves an app that returns a reply the lint middleware rejects with a 500, and keeps serving", async () => {
      let calls = 0;
      const app: App = (env) => {
        calls++;
        if (env.PATH_INFO === "/bad") return { status: 200, headers: [["bad header", "x"]], body: "nope" };
        return { status: 200, headers: [TEXT], body: "fine" };
      };
      await withServer(harness, app, async (server) => {
        const bad = await server.fetch("GET", "/bad");
        expect(bad.status).toBe(500);
        expect(bad.body.toString()).not.toContain("nope");
        const good = await server.fetch("GET", "/good");
        expect(good.body.toString()).toBe("fine");
        expect(calls).toBe(2);
      });
    });
  });
}
