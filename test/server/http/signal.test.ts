// tsgi.signal on the HTTP server is made on first read: these cases pin down that laziness changes nothing an app sees.
// They run twice: under lint() as every server test does, and bare, because lint reads the signal before the app
// does and so would hide a signal that is first made after the fact.
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memorySink, type App, type Env } from "tsgi";
import { serveHttp } from "tsgi/http";
import { lint } from "tsgi/lint";
import type { RunningServer } from "tsgi/server";
import { httpFetch, RawClient } from "./client.js";

const running: RunningServer[] = [];

let wrap: (app: App) => App = (app) => app;

async function start(app: App): Promise<{ server: RunningServer; port: number }> {
  const server = await serveHttp(wrap(app), { bind: "127.0.0.1:0", log: memorySink() });
  running.push(server);
  return { server, port: server.port as number };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close({ graceMs: 0 })));
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe.each([
  ["under lint", (app: App): App => lint()(app)],
  ["bare", (app: App): App => app],
])("HTTP server tsgi.signal (%s)", (_name, wrapper) => {
  beforeEach(() => { wrap = wrapper; });

  it("is already aborted when the app first reads it after the client left", async () => {
    let seen: AbortSignal | undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const { server, port } = await start(async (env) => {
      await released;
      seen = env["tsgi.signal"];
      return { status: 200, headers: [["content-type", "text/plain"]], body: "late" };
    });
    const client = new RawClient(port);
    client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => server.inFlight === 1);
    client.destroy();
    await until(() => server.inFlight === 0);
    release();
    await until(() => seen !== undefined);
    expect(seen?.aborted).toBe(true);
    expect(String((seen?.reason as Error).message)).toMatch(/client closed the connection/);
  });

  it("fires for a signal read before the client leaves", async () => {
    let aborted = false;
    const { server, port } = await start(async (env) => {
      await new Promise<void>((resolve) => env["tsgi.signal"].addEventListener("abort", () => { aborted = true; resolve(); }, { once: true }));
      return { status: 200, headers: [["content-type", "text/plain"]], body: "gone" };
    });
    const client = new RawClient(port);
    client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => server.inFlight === 1);
    client.destroy();
    await until(() => aborted);
    expect(aborted).toBe(true);
  });

  it("never fires for a request that completed, even when read after the reply or after the server stopped", async () => {
    const envs: Env[] = [];
    const early: AbortSignal[] = [];
    const { server, port } = await start((env) => {
      envs.push(env);
      if (env.PATH_INFO === "/read") early.push(env["tsgi.signal"]);
      return { status: 200, headers: [["content-type", "text/plain"]], body: "ok" };
    });
    expect((await httpFetch(port, "GET", "/read")).status).toBe(200);
    expect((await httpFetch(port, "GET", "/unread")).status).toBe(200);
    await server.close({ graceMs: 0 });
    expect(early[0]?.aborted).toBe(false);
    expect(envs.map((env) => env["tsgi.signal"].aborted)).toEqual([false, false]);
  });

  it("aborts a request still running when the grace period ends, whether or not it had read the signal", async () => {
    const seen: AbortSignal[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const { server, port } = await start(async (env) => {
      if (env.PATH_INFO === "/early") seen.push(env["tsgi.signal"]);
      await released;
      if (env.PATH_INFO === "/late") seen.push(env["tsgi.signal"]);
      return { status: 200, headers: [["content-type", "text/plain"]], body: "done" };
    });
    const early = httpFetch(port, "GET", "/early").catch((error: Error) => error);
    const late = httpFetch(port, "GET", "/late").catch((error: Error) => error);
    await until(() => server.inFlight === 2);
    await server.close({ graceMs: 100 });
    release();
    await until(() => seen.length === 2);
    expect(seen.map((signal) => signal.aborted)).toEqual([true, true]);
    expect(seen.map((signal) => String((signal.reason as Error).message))).toEqual([expect.stringMatching(/shutting down/), expect.stringMatching(/shutting down/)]);
    await Promise.all([early, late]);
  });

  it("can be replaced by an app (a timeout middleware does) and survives a spread copy of the env", async () => {
    const controller = new AbortController();
    const { port } = await start((env) => {
      const copy = { ...env };
      const sameSignal = copy["tsgi.signal"] === env["tsgi.signal"];
      env["tsgi.signal"] = AbortSignal.any([env["tsgi.signal"], controller.signal]);
      controller.abort(new Error("deadline"));
      const replaced = env["tsgi.signal"].aborted && Object.keys(env).filter((key) => key === "tsgi.signal").length === 1;
      return { status: 200, headers: [["content-type", "text/plain"]], body: `${sameSignal} ${replaced}` };
    });
    expect((await httpFetch(port, "GET", "/")).body.toString()).toBe("true true");
  });
});
