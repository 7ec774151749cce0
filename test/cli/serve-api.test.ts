import { EventEmitter } from "node:events";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { memorySink, type Service } from "tsgi";
import { serve, SignalQueue } from "tsgi/server";

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => { body += chunk.toString(); });
      res.on("end", () => resolve(body));
    }).on("error", reject).end();
  });
}

describe("serve()", () => {
  it("awaits startup before listening, drains on SIGTERM, then runs shutdown", async () => {
    const events: string[] = [];
    const service: Service = {
      startup: async () => { await sleep(50); events.push("startup"); },
      shutdown: async () => { events.push("shutdown"); },
      app: async (env) => {
        events.push(`request ${env.PATH_INFO}`);
        if (env.PATH_INFO === "/slow") await sleep(300);
        return { status: 200, headers: [["content-type", "text/plain"]], body: "ok" };
      },
    };
    const signals = new EventEmitter();
    const log = memorySink();
    const handle = await serve(service, { server: "http", bind: "127.0.0.1:0", signals, log, graceMs: 5000 });
    expect(events).toEqual(["startup"]);
    expect(log.lines.join("\n")).toMatch(/serving app over HTTP on http:\/\/127\.0\.0\.1:\d+/);
    const slow = get(`${handle.url}/slow`);
    await sleep(50);
    signals.emit("SIGTERM");
    expect(await slow).toBe("ok");
    await handle.stopped;
    expect(events).toEqual(["startup", "request /slow", "shutdown"]);
    expect(log.lines.join("\n")).toContain("SIGTERM: stopping");
    expect(signals.listenerCount("SIGTERM")).toBe(0);
    expect(await handle.exitCode).toBe(0);
  });

  it("stops at once on a second signal", async () => {
    let aborted = false;
    const signals = new EventEmitter();
    const handle = await serve((env) => new Promise((resolve) => {
      env["tsgi.signal"].addEventListener("abort", () => {
        aborted = true;
        resolve({ status: 503, headers: [], body: "" });
      });
    }), { server: "http", bind: "127.0.0.1:0", signals, log: memorySink(), graceMs: 60_000 });
    const pending = get(`${handle.url}/forever`).catch(() => "closed");
    await sleep(100);
    signals.emit("SIGINT");
    await sleep(50);
    signals.emit("SIGINT");
    const started = Date.now();
    await handle.stopped;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(aborted).toBe(true);
    await pending;
  });

  it("close() stops without signals and runs the shutdown hook once", async () => {
    let shutdowns = 0;
    const handle = await serve({ app: () => ({ status: 200, headers: [], body: "x" }), shutdown: () => { shutdowns++; } }, { server: "http", bind: "127.0.0.1:0", signals: false, log: memorySink() });
    expect(await get(`${handle.url}/`)).toBe("x");
    await Promise.all([handle.close(), handle.close()]);
    await handle.stopped;
    expect(shutdowns).toBe(1);
  });

  it("names the fix for impossible combinations", async () => {
    const app = () => ({ status: 200, headers: [], body: "" });
    await expect(serve(app, { workers: 2, server: "http" })).rejects.toThrow(/workers > 1 needs a module spec/);
    await expect(serve("examples/sum/app.ts", { workers: 2, server: "cgi" })).rejects.toThrow(/CGI runs one process per request/);
    await expect(serve(app, { workers: 0 })).rejects.toThrow(/workers must be a whole number >= 1; got 0/);
  });
});

describe("SignalQueue", () => {
  it("queues signals in order for one loop, and ends on dispose", async () => {
    const source = new EventEmitter();
    const queue = new SignalQueue(["SIGTERM", "SIGHUP"], source);
    source.emit("SIGHUP");
    source.emit("SIGTERM");
    expect(await queue.next()).toBe("SIGHUP");
    expect(await queue.next()).toBe("SIGTERM");
    const waiting = queue.next();
    source.emit("SIGTERM");
    expect(await waiting).toBe("SIGTERM");
    const last = queue.next();
    queue.dispose();
    expect(await last).toBeUndefined();
    expect(source.listenerCount("SIGTERM")).toBe(0);
  });
});
