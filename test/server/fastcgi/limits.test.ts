// FastCGI limits and lifecycle: OVERLOADED at FCGI_MAX_REQS and past maxReqsPerConn, FCGI_MAX_CONNS, params
// limits, ABORT_REQUEST, a closed connection aborting its requests, body and reply backpressure, idle timeout,
// graceful close, FCGI_WEB_SERVER_ADDRS.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { FastCgiServerOptions } from "tsgi/fastcgi";
import { encodeRecord, ProtocolStatus, RecordType } from "tsgi/protocol/fastcgi";
import { fastCgiSettings } from "../../../src/server/fastcgi/options.js";
import { cgiParams, parseCgiResponse } from "../../support/cgi-response.js";
import { FastCgiClient, framingProblems } from "../../support/fastcgi-client.js";
import { gate, sleep, start, TEXT, waitFor, type Started } from "./harness.js";

/** A server whose `/slow` waits until `open()`; every other path answers "ok" at once. */
async function startGated(options: FastCgiServerOptions): Promise<Started & { open(): void }> {
  const slow = gate();
  const started = await start(async (env) => {
    if (env.PATH_INFO === "/slow") await slow.promise;
    return { status: 200, headers: [TEXT], body: "ok" };
  }, options);
  return { ...started, open: () => slow.open() };
}

describe("FastCGI limits", () => {
  it("answers OVERLOADED at once past FCGI_MAX_REQS instead of queueing, and serves again once below", async () => {
    const { client, server, open } = await startGated({ maxReqs: 2 });
    const a = await client();
    const b = await client();
    const first = a.request(cgiParams("GET", "/slow"), { id: 1 });
    const second = b.request(cgiParams("GET", "/slow"), { id: 1 });
    await waitFor(() => server.inFlight === 2);
    const started = Date.now();
    const third = await a.request(cgiParams("GET", "/fast"), { id: 2 });
    expect(third.protocolStatus).toBe(ProtocolStatus.OVERLOADED);
    expect(Date.now() - started).toBeLessThan(1000);
    open();
    await Promise.all([first, second]);
    expect(parseCgiResponse((await a.request(cgiParams("GET", "/fast"), { id: 3 })).stdout).body.toString()).toBe("ok");
    expect(server.inFlight).toBe(0);
  });

  it("answers OVERLOADED past maxReqsPerConn on one connection while another connection is still served", async () => {
    const { client, server, open } = await startGated({ maxReqsPerConn: 2 });
    const c = await client();
    const first = c.request(cgiParams("GET", "/slow"), { id: 1 });
    const second = c.request(cgiParams("GET", "/slow"), { id: 2 });
    expect(await waitFor(() => server.inFlight === 2)).toBe(true);
    expect((await c.request(cgiParams("GET", "/fast"), { id: 3 })).protocolStatus).toBe(ProtocolStatus.OVERLOADED);
    const other = await client();
    expect(parseCgiResponse((await other.request(cgiParams("GET", "/fast"))).stdout).status).toBe(200);
    open();
    await Promise.all([first, second]);
    expect(parseCgiResponse((await c.request(cgiParams("GET", "/fast"), { id: 3 })).stdout).status).toBe(200);
  });

  it("refuses connections past FCGI_MAX_CONNS", async () => {
    const { client } = await start(() => ({ status: 200, headers: [TEXT], body: "ok" }), { maxConns: 2 });
    const a = await client();
    const b = await client();
    await sleep(50);
    const c = await client();
    await c.closed;
    expect(parseCgiResponse((await a.request(cgiParams("GET", "/"))).stdout).status).toBe(200);
    expect(parseCgiResponse((await b.request(cgiParams("GET", "/"))).stdout).status).toBe(200);
  });

  it("answers 431 for params over the byte or pair limit, and keeps the connection", async () => {
    const { client } = await start(() => ({ status: 200, headers: [TEXT], body: "ok" }), { maxParamsBytes: 2048, maxParams: 40 });
    const c = await client();
    const big = await c.request(cgiParams("GET", "/", { "x-big": "y".repeat(4000) }), { id: 1 });
    expect(parseCgiResponse(big.stdout).status).toBe(431);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x-h${i}`, "v"]));
    const lots = await c.request(cgiParams("GET", "/", many), { id: 2 });
    expect(parseCgiResponse(lots.stdout).status).toBe(431);
    expect(parseCgiResponse((await c.request(cgiParams("GET", "/"), { id: 3 })).stdout).status).toBe(200);
  });

  it("reads FCGI_WEB_SERVER_ADDRS from the environment", () => {
    expect([...(fastCgiSettings({}, { FCGI_WEB_SERVER_ADDRS: "127.0.0.1, 10.0.0.2" }).webServerAddrs ?? [])]).toEqual(["127.0.0.1", "10.0.0.2"]);
    expect(fastCgiSettings({}, {}).webServerAddrs).toBeNull();
    expect(() => fastCgiSettings({ maxReqs: 0 })).toThrow(/maxReqs must be a positive integer/);
  });

  it("drops connections from addresses not in FCGI_WEB_SERVER_ADDRS, and serves listed ones", async () => {
    const refused = await start(() => ({ status: 200, headers: [TEXT], body: "ok" }), { webServerAddrs: ["10.9.9.9"] });
    const c = await refused.client();
    await c.closed;
    expect(refused.log.lines.join("\n")).toContain("not in FCGI_WEB_SERVER_ADDRS");
    const allowed = await start(() => ({ status: 200, headers: [TEXT], body: "ok" }), { webServerAddrs: ["127.0.0.1"] });
    expect(parseCgiResponse((await (await allowed.client()).request(cgiParams("GET", "/"))).stdout).status).toBe(200);
  });
});

describe("FastCGI aborts", () => {
  it("ABORT_REQUEST fires tsgi.signal, fails the body, and END_REQUEST follows at once; nothing after it", async () => {
    let aborted = false;
    let bodyError = "";
    const { client, server } = await start(async (env) => {
      env["tsgi.signal"].addEventListener("abort", () => {
        aborted = true;
      });
      try {
        for await (const chunk of env["tsgi.input"]) void chunk;
      } catch (error) {
        bodyError = (error as Error).message;
      }
      await sleep(300);
      return { status: 200, headers: [TEXT], body: "too late" };
    }, {}, true);
    const c = await client();
    const result = c.expect(1);
    const bytes = FastCgiClient.encodeRequest(cgiParams("POST", "/", {}, 100), { body: "partial" });
    c.socket.write(bytes.subarray(0, bytes.length - 8));
    await sleep(50);
    const sent = Date.now();
    c.socket.write(encodeRecord(RecordType.ABORT_REQUEST, 1));
    const ended = await result;
    expect(Date.now() - sent).toBeLessThan(250);
    expect(aborted).toBe(true);
    expect(bodyError).toContain("FCGI_ABORT_REQUEST");
    expect(ended.protocolStatus).toBe(ProtocolStatus.REQUEST_COMPLETE);
    expect(framingProblems(ended.records)).toEqual([]);
    await sleep(400);
    const end = c.records.findIndex((r) => r.type === RecordType.END_REQUEST);
    expect(c.records.slice(end + 1).filter((r) => r.id === 1)).toEqual([]);
    expect(server.inFlight).toBe(0);
  });

  it("a closed connection aborts every request on it and the server keeps serving others", async () => {
    let aborts = 0;
    const { client, server } = await start((env) => env.PATH_INFO === "/quick" ? { status: 200, headers: [TEXT], body: "still here" } : ({
      status: 200,
      headers: [TEXT],
      body: (async function* () {
        env["tsgi.signal"].addEventListener("abort", () => {
          aborts++;
        });
        for (let i = 0; i < 1000 && !env["tsgi.signal"].aborted; i++) {
          yield "tick\n";
          await sleep(5);
        }
      })(),
    }));
    const c = await client();
    for (const id of [1, 2, 3]) void c.send(FastCgiClient.encodeRequest(cgiParams("GET", "/"), { id }));
    await waitFor(() => c.records.filter((r) => r.type === RecordType.STDOUT).length > 6);
    c.close();
    expect(await waitFor(() => aborts === 3)).toBe(true);
    expect(await waitFor(() => server.inFlight === 0)).toBe(true);
    const other = await client();
    expect(parseCgiResponse((await other.request(cgiParams("GET", "/quick"))).stdout).body.toString()).toBe("still here");
  });
});

describe("FastCGI tsgi.signal", () => {
  it("is already aborted when first read after the request was aborted", async () => {
    const seen = gate<boolean>();
    const aborted = gate();
    const { client } = await start(async (env) => {
      await aborted.promise;
      seen.open(env["tsgi.signal"].aborted);
      return { status: 200, headers: [TEXT], body: "late" };
    }, {}, true);
    const c = await client();
    const result = c.expect(1);
    await c.send(FastCgiClient.encodeRequest(cgiParams("GET", "/")));
    await sleep(50);
    c.socket.write(encodeRecord(RecordType.ABORT_REQUEST, 1));
    await result;
    aborted.open();
    expect(await seen.promise).toBe(true);
  });

  it("fires when read before the connection closes, and can be replaced by a middleware", async () => {
    const fired = gate();
    let replacedSeen: AbortSignal | undefined;
    const mine = new AbortController().signal;
    const { client } = await start(async (env) => {
      const signal = env["tsgi.signal"];
      signal.addEventListener("abort", () => fired.open());
      env["tsgi.signal"] = mine;
      replacedSeen = env["tsgi.signal"];
      await new Promise(() => undefined);
      return { status: 200, headers: [TEXT] };
    }, {}, true);
    const c = await client();
    await c.send(FastCgiClient.encodeRequest(cgiParams("GET", "/")));
    await sleep(50);
    c.close();
    await fired.promise;
    expect(replacedSeen).toBe(mine);
  });
});

describe("FastCGI backpressure", () => {
  it("pauses reading the body while the app does not read it, then delivers it intact", async () => {
    const go = gate();
    const { client } = await start(async (env) => {
      await go.promise;
      const hash = createHash("sha256");
      for await (const chunk of env["tsgi.input"]) hash.update(chunk);
      return { status: 200, headers: [TEXT], body: hash.digest("hex") };
    }, { bodyHighWater: 64 * 1024 });
    const c = await client();
    const body = Buffer.alloc(48 * 1024 * 1024, 7);
    const result = c.expect(1);
    c.socket.write(FastCgiClient.encodeRequest(cgiParams("POST", "/", {}, body.length), { body }));
    await sleep(400);
    expect(c.socket.writableLength).toBeGreaterThan(8 * 1024 * 1024);
    go.open();
    expect(parseCgiResponse((await result).stdout).body.toString()).toBe(createHash("sha256").update(body).digest("hex"));
  });

  it("stops pulling reply chunks while the web server does not read", async () => {
    let pulled = 0;
    const { client } = await start(() => ({
      status: 200,
      headers: [TEXT],
      body: (function* () {
        const chunk = new Uint8Array(64 * 1024);
        for (let i = 0; i < 2000; i++) {
          pulled++;
          yield chunk;
        }
      })(),
    }));
    const c = await client();
    c.socket.pause();
    void c.send(FastCgiClient.encodeRequest(cgiParams("GET", "/")));
    await sleep(500);
    const whilePaused = pulled;
    expect(whilePaused).toBeLessThan(400);
    const result = c.expect(1);
    c.socket.resume();
    await result;
    expect(pulled).toBe(2000);
  });
});

describe("FastCGI pipelining without reading", () => {
  it("stops reading requests while the peer does not read replies, so memory stays bounded", async () => {
    const reply = new Uint8Array(64 * 1024);
    const { client, server } = await start(() => ({ status: 200, headers: [TEXT], body: reply }), {}, true);
    const c = await client();
    c.socket.pause();
    const total = 3000;
    const ends: Array<Promise<unknown>> = [];
    const batch: Buffer[] = [];
    for (let id = 1; id <= total; id++) {
      ends.push(c.expect(id));
      batch.push(FastCgiClient.encodeRequest(cgiParams("GET", "/"), { id }));
    }
    c.socket.write(Buffer.concat(batch));
    await sleep(600);
    expect(server.served).toBeLessThan(1000);
    c.socket.resume();
    await Promise.all(ends);
    expect(server.served).toBe(total);
  });
});

describe("FastCGI connection lifecycle", () => {
  it("closes idle connections after idleTimeoutMs, but not one with a request in flight", async () => {
    const slow = gate();
    const { client } = await start(async (env) => {
      if (env.PATH_INFO === "/slow") await slow.promise;
      return { status: 200, headers: [TEXT], body: "ok" };
    }, { idleTimeoutMs: 150 });
    const idle = await client();
    const busy = await client();
    const pending = busy.request(cgiParams("GET", "/slow"));
    expect(await waitFor(() => idle.ended, 2000)).toBe(true);
    await sleep(300);
    expect(busy.ended).toBe(false);
    slow.open();
    expect(parseCgiResponse((await pending).stdout).status).toBe(200);
  });

  it("closes a connection whose request never finishes its PARAMS, freeing the request slot", async () => {
    const { client, server } = await start(() => ({ status: 200, headers: [TEXT], body: "ok" }), { idleTimeoutMs: 150, maxReqs: 1 });
    const stalled = await client();
    const bytes = FastCgiClient.encodeRequest(cgiParams("GET", "/"));
    stalled.socket.write(bytes.subarray(0, 40));
    expect(await waitFor(() => server.inFlight === 1)).toBe(true);
    expect(await waitFor(() => stalled.ended, 2000)).toBe(true);
    expect(server.inFlight).toBe(0);
    expect(parseCgiResponse((await (await client()).request(cgiParams("GET", "/"))).stdout).status).toBe(200);
  });

  it("close() lets in-flight requests finish, answers new ones OVERLOADED, then resolves", async () => {
    const slow = gate();
    const { client, server } = await start(async () => {
      await slow.promise;
      return { status: 200, headers: [TEXT], body: "finished" };
    });
    const c = await client();
    const inFlight = c.request(cgiParams("GET", "/"), { id: 1 });
    await waitFor(() => server.inFlight === 1);
    const closing = server.close({ graceMs: 5000 });
    const refused = await c.request(cgiParams("GET", "/"), { id: 2 });
    expect(refused.protocolStatus).toBe(ProtocolStatus.OVERLOADED);
    slow.open();
    expect(parseCgiResponse((await inFlight).stdout).body.toString()).toBe("finished");
    await closing;
    await c.closed;
  });

  it("close() aborts requests still running after the grace period", async () => {
    let aborted = false;
    const { client, server } = await start((env) => new Promise((resolve) => {
      env["tsgi.signal"].addEventListener("abort", () => {
        aborted = true;
        resolve({ status: 503, headers: [TEXT], body: "bye" });
      });
    }));
    const c = await client();
    void c.send(FastCgiClient.encodeRequest(cgiParams("GET", "/")));
    await waitFor(() => server.inFlight === 1);
    await server.close({ graceMs: 100 });
    expect(aborted).toBe(true);
    await c.closed;
  });
});
