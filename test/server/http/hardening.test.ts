import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { memorySink, type App } from "tsgi";
import { serveHttp, type HttpServerOptions } from "tsgi/http";
import { lint } from "tsgi/lint";
import type { RunningServer } from "tsgi/server";
import { httpFetch, RawClient } from "./client.js";

const hello: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "hello" });
const running: RunningServer[] = [];

async function start(app: App, options: HttpServerOptions = {}): Promise<{ server: RunningServer; port: number; log: ReturnType<typeof memorySink> }> {
  const log = memorySink();
  const server = await serveHttp(lint()(app), { bind: "127.0.0.1:0", log, ...options });
  running.push(server);
  return { server, port: server.port as number, log };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close({ graceMs: 0 })));
});

function headerLines(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += `X-H${i}: v\r\n`;
  return out;
}

describe("HTTP server hardening", () => {
  it("answers a client that sends headers too slowly (slowloris) with 408 and closes, within seconds", async () => {
    const { port } = await start(hello, { headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    const client = new RawClient(port);
    client.write("GET / HTTP/1.1\r\nHost: x\r\n");
    const drip = setInterval(() => client.write(`X-Drip-${Date.now()}: 1\r\n`), 200);
    const elapsed = await client.untilClosed(5000);
    clearInterval(drip);
    expect(elapsed).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(4000);
    expect(client.data).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a connection that never finishes its headers with the default timeouts' checking interval", async () => {
    const { port } = await start(hello, { headersTimeoutMs: 1500 });
    const client = new RawClient(port);
    client.write("GET / HTTP/1.1\r\n");
    const elapsed = await client.untilClosed(5000);
    expect(elapsed).toBeGreaterThan(1000);
    expect(elapsed).toBeLessThan(4000);
  });

  it("refuses more header fields than the limit with 431, and accepts the limit", async () => {
    const { port } = await start(hello, { maxHeaders: 20 });
    const ok = new RawClient(port);
    ok.write(`GET / HTTP/1.1\r\nHost: x\r\n${headerLines(18)}Connection: close\r\n\r\n`);
    expect(await ok.untilClosed(5000)).toBeGreaterThanOrEqual(0);
    expect(ok.data).toMatch(/^HTTP\/1\.1 200 /);
    const many = new RawClient(port);
    many.write(`GET / HTTP/1.1\r\nHost: x\r\n${headerLines(20)}\r\n`);
    await many.untilClosed(5000);
    expect(many.data).toMatch(/^HTTP\/1\.1 431 /);
    expect(many.data).toContain("too many header fields: the limit is 20");
  });

  it("refuses thousands of header fields (which node:http would silently truncate) with 431", async () => {
    const { port } = await start(hello);
    const client = new RawClient(port);
    let lines = "";
    for (let i = 0; i < 1500; i++) lines += `a${i}:1\r\n`;
    client.write(`POST / HTTP/1.1\r\nHost: x\r\n${lines}Content-Length: 0\r\n\r\n`);
    await client.untilClosed(5000);
    expect(client.data).toMatch(/^HTTP\/1\.1 (431|400) /);
  });

  it("refuses two Host headers with 400", async () => {
    let called = false;
    const { port } = await start(() => { called = true; return { status: 200, headers: [], body: "x" }; });
    const client = new RawClient(port);
    client.write("GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
    await client.untilClosed(5000);
    expect(client.data).toMatch(/^HTTP\/1\.1 400 /);
    expect(client.data).toContain("more than one Host header");
    expect(called).toBe(false);
  });

  it("refuses a missing Host on HTTP/1.1 (node's check kept)", async () => {
    const { port } = await start(hello);
    const client = new RawClient(port);
    client.write("GET / HTTP/1.1\r\n\r\n");
    await client.untilClosed(5000);
    expect(client.data).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("keeps a connection alive across requests and frames each reply", async () => {
    let calls = 0;
    const { port } = await start((env) => {
      calls++;
      if (env.PATH_INFO === "/stream") return { status: 200, headers: [["content-type", "text/plain"]], body: ["a", "b"] };
      return { status: 200, headers: [["content-type", "text/plain"]], body: `call ${calls}` };
    });
    const client = new RawClient(port);
    client.write("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
    await client.until(/call 1$/);
    client.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    await client.until(/0\r\n\r\n$/);
    client.write("HEAD /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await client.untilClosed(5000);
    const replies = client.data.split(/(?=HTTP\/1\.1 )/);
    expect(replies).toHaveLength(3);
    expect(replies[0]).toMatch(/content-length: 6\r\n/i);
    expect(replies[1]).toMatch(/transfer-encoding: chunked\r\n/i);
    expect(replies[1]).toMatch(/\r\n\r\n1\r\na\r\n1\r\nb\r\n0\r\n\r\n$/);
    expect(replies[2]).toMatch(/content-length: 6\r\n/i);
    expect(replies[2]).toMatch(/\r\n\r\n$/);
    expect(calls).toBe(3);
  });

  it("shows the stack to the client only in development", async () => {
    const boom: App = () => { throw new Error("kaboom detail"); };
    const prod = await start(boom);
    const hidden = await httpFetch(prod.port, "GET", "/");
    expect(hidden.status).toBe(500);
    expect(hidden.body.toString()).toBe("Internal Server Error\n");
    expect(prod.log.lines.join("\n")).toContain("kaboom detail");
    const dev = await start(boom, { development: true });
    const shown = await httpFetch(dev.port, "GET", "/");
    expect(shown.status).toBe(500);
    expect(shown.body.toString()).toMatch(/Error: kaboom detail\n\s+at /);
  });

  it("calls an app once whether it answers synchronously, asynchronously or throws", async () => {
    const calls: string[] = [];
    const { port } = await start((env) => {
      calls.push(env.PATH_INFO);
      if (env.PATH_INFO === "/throw") throw new Error("sync failure");
      if (env.PATH_INFO === "/async") return Promise.resolve({ status: 202, headers: [], body: "later" });
      if (env.PATH_INFO === "/bad") return { status: "200" } as unknown as { status: number; headers: [] };
      return { status: 200, headers: [], body: "now" };
    });
    expect((await httpFetch(port, "GET", "/sync")).body.toString()).toBe("now");
    expect((await httpFetch(port, "GET", "/async")).status).toBe(202);
    expect((await httpFetch(port, "GET", "/throw")).status).toBe(500);
    expect((await httpFetch(port, "GET", "/bad")).status).toBe(500);
    expect(calls).toEqual(["/sync", "/async", "/throw", "/bad"]);
  });

  it("stops producing a streamed reply while the client does not read (backpressure)", async () => {
    let produced = 0;
    const chunk = new Uint8Array(64 * 1024);
    const { port } = await start(() => ({
      status: 200,
      headers: [["content-type", "application/octet-stream"]],
      body: (function* () {
        for (let i = 0; i < 100_000; i++) {
          produced += chunk.byteLength;
          yield chunk;
        }
      })(),
    }));
    const client = new RawClient(port);
    client.socket.pause();
    client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await sleep(800);
    // 100 000 chunks would be 6.5 GB; with backpressure only the socket buffers fill.
    expect(produced).toBeGreaterThan(0);
    expect(produced).toBeLessThan(64 * 1024 * 1024);
    client.destroy();
  });

  it("streams a request body to the app as it arrives", async () => {
    let firstChunkAt = 0;
    const { port } = await start(async (env) => {
      let size = 0;
      for await (const piece of env["tsgi.input"]) {
        if (size === 0) firstChunkAt = Date.now();
        size += piece.byteLength;
      }
      return { status: 200, headers: [["content-type", "text/plain"]], body: String(size) };
    });
    const client = new RawClient(port);
    client.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n");
    const sentFirst = Date.now();
    await sleep(400);
    client.write("6\r\n world\r\n0\r\n\r\n");
    await client.untilClosed(5000);
    expect(client.data).toMatch(/\r\n\r\n11$/);
    expect(firstChunkAt - sentFirst).toBeLessThan(350);
  });

  it("close() lets the request in flight finish, refuses new connections, and aborts stragglers after the grace period", async () => {
    let aborted = false;
    const app: App = async (env) => {
      if (env.PATH_INFO === "/slow") await sleep(500);
      if (env.PATH_INFO === "/forever") {
        await new Promise<void>((resolve) => env["tsgi.signal"].addEventListener("abort", () => { aborted = true; resolve(); }, { once: true }));
      }
      return { status: 200, headers: [["content-type", "text/plain"]], body: "done" };
    };
    const { server, port } = await start(app);
    const slow = httpFetch(port, "GET", "/slow");
    const forever = httpFetch(port, "GET", "/forever").catch((error: Error) => error);
    await sleep(100);
    expect(server.inFlight).toBe(2);
    const closing = server.close({ graceMs: 1000 });
    await sleep(50);
    await expect(httpFetch(port, "GET", "/")).rejects.toThrow(/ECONNREFUSED/);
    expect((await slow).body.toString()).toBe("done");
    const started = Date.now();
    await closing;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(aborted).toBe(true);
    await forever;
    expect(server.inFlight).toBe(0);
  });
});
