// In-process parts of the pool: the worker's app wrappers (through lint), options, the control
// socket, the event queue and the workers' node flags.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { request } from "tsgi/testing";
import { workerExecArgv } from "../../../src/server/pool/cluster-spawner.js";
import { controlName, queryControl, runtimeDir, startControl } from "../../../src/server/pool/control.js";
import { masterSettings, serverOptionsOf } from "../../../src/server/pool/options.js";
import { EventQueue } from "../../../src/server/pool/queue.js";
import { statusCommand } from "../../../src/server/pool/status-command.js";
import type { PoolStatus } from "../../../src/server/pool/status.js";
import { statusHtml, statusText } from "../../../src/server/pool/status.js";
import { PendingRequests, withStatusPath, withTimeout } from "../../../src/server/pool/worker-app.js";
import { LAZY_ABORT, LazyAbort, SIGNAL_PROPERTY } from "../../../src/gateway/lazy-abort.js";
import { tempDir } from "../../support/daemon.js";

const STATUS: PoolStatus = {
  pid: 42, phase: "running", app: "app.js", server: "http", url: "http://127.0.0.1:8000", workers: 1, generation: 2,
  uptimeMs: 5000, served: 9, inFlight: 1, restarts: 0, recycled: 2, lastError: "worker 1 <died>",
  processes: [{ id: 3, pid: 7, state: "ready", generation: 2, served: 9, inFlight: 1, uptimeMs: 4000, lastBeatMs: 200 }],
};

describe("withTimeout", () => {
  it("answers 504 and fires the request's signal with a TimeoutError", async () => {
    let reason: unknown;
    const slow: App = (env) => new Promise((resolve) => {
      env["tsgi.signal"].addEventListener("abort", () => {
        reason = env["tsgi.signal"].reason;
        resolve({ status: 200, headers: [], body: "late" });
      });
    });
    const pending = new PendingRequests();
    const reply = await request(withTimeout(slow, 30, pending), "GET", "/slow");
    expect(reply.status).toBe(504);
    expect(reply.text).toBe("The app did not answer within 30 ms.\n");
    expect(reply.logs.join("\n")).toMatch(/GET \/slow timed out after 30 ms; answered 504/);
    expect((reason as Error).name).toBe("TimeoutError");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(pending.oldestMs(performance.now())).toBe(0);
  });

  it("passes a timely reply through and leaves nothing pending", async () => {
    const pending = new PendingRequests();
    const reply = await request(withTimeout(() => ({ status: 201, headers: [["content-type", "text/plain"]], body: "made" }), 1000, pending), "GET", "/");
    expect([reply.status, reply.text]).toEqual([201, "made"]);
    await Promise.resolve();
    expect(pending.oldestMs(performance.now())).toBe(0);
  });

  it("keeps an app call that never settles as pending, for the heartbeat", async () => {
    let now = 1000;
    const pending = new PendingRequests();
    const replied = request(withTimeout(() => new Promise(() => undefined), 10, pending, () => now), "GET", "/hang");
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(pending.size).toBe(1);
    now = 1010;
    const reply = await replied;
    expect(reply.status).toBe(504);
    now = 1500;
    expect(pending.oldestMs(now)).toBe(500);
    expect(pending.size).toBe(1);
  });

  it("answers a synchronous reply as it is, with nothing pending and no timer per request", async () => {
    const pending = new PendingRequests();
    const reply = { status: 200, headers: [["content-type", "text/plain"]] as Array<[string, string]>, body: "now" };
    const app = withTimeout(() => reply, 10, pending);
    const env = { "tsgi.signal": new AbortController().signal } as unknown as Parameters<App>[0];
    expect(app(env)).toBe(reply);
    expect(pending.size).toBe(0);
  });

  it("fires the server's lazy signal without reading it first", async () => {
    const abort = new LazyAbort();
    const env = { REQUEST_METHOD: "GET", SCRIPT_NAME: "", PATH_INFO: "/x", "tsgi.errors": { write: () => undefined }, [LAZY_ABORT]: abort } as unknown as Parameters<App>[0];
    Object.defineProperty(env, "tsgi.signal", SIGNAL_PROPERTY);
    const pending = new PendingRequests();
    const reply = await withTimeout(() => new Promise(() => undefined), 10, pending)(env);
    expect(reply.status).toBe(504);
    expect(env["tsgi.signal"].aborted).toBe(true);
    expect((env["tsgi.signal"].reason as Error).name).toBe("TimeoutError");
  });
});

describe("withStatusPath", () => {
  const app = withStatusPath(() => ({ status: 200, headers: [["content-type", "text/plain"]], body: "app" }), "/_pool", async () => STATUS);

  it("serves JSON, HTML for browsers, and leaves other paths to the app", async () => {
    const json = await request(app, "GET", "/_pool");
    expect(json.header("content-type")).toBe("application/json");
    expect(json.json()).toEqual(STATUS);
    const html = await request(app, "GET", "/_pool", { headers: { accept: "text/html,*/*" } });
    expect(html.text).toContain("<td class=\"ready\">ready</td>");
    expect(html.text).toContain("worker 1 &lt;died&gt;");
    expect((await request(app, "GET", "/_pool?format=html")).header("content-type")).toBe("text/html; charset=utf-8");
    expect((await request(app, "GET", "/other")).text).toBe("app");
    expect((await request(app, "POST", "/_pool")).status).toBe(405);
  });
});

describe("status rendering", () => {
  it("prints text and escapes HTML", () => {
    expect(statusText(STATUS)).toContain("workers 1 · generation 2 · served 9 · in flight 1 · restarts 0 · recycled 2");
    expect(statusText(STATUS)).toContain("last error: worker 1 <died>");
    expect(statusHtml(STATUS)).not.toContain("<died>");
  });
});

describe("pool options", () => {
  it("fails fast on nonsense, naming the option", () => {
    expect(() => masterSettings({ spec: "a.js", workers: 0 })).toThrow(/workers must be a whole number >= 1/);
    expect(() => masterSettings({ spec: "a.js", timeoutMs: -1 })).toThrow(/timeoutMs must be a positive number/);
    expect(() => masterSettings({ spec: "a.js", statusPath: "status" })).toThrow(/statusPath must start with "\/"/);
  });

  it("defaults the jitter to a tenth of max-requests and passes server options on as JSON", () => {
    expect(masterSettings({ spec: "a.js", maxRequests: 1000 }).maxRequestsJitter).toBe(100);
    const options = { spec: "a.js", workers: 3, graceMs: 100, headersTimeoutMs: 5000, log: { write: () => undefined } } as const;
    expect(serverOptionsOf(options)).toEqual({ headersTimeoutMs: 5000, graceMs: 100 });
  });
});

describe("control socket", () => {
  it("answers status, refuses unknown commands and is named after the bind", async () => {
    const dir = tempDir();
    const path = join(dir.path, "c.sock");
    const control = await startControl(path, () => STATUS);
    try {
      expect(await queryControl(path, "status")).toEqual(STATUS);
      await expect(startControl(path, () => STATUS)).rejects.toThrow(/another pool master answers/);
      await expect(queryControl(path, "reboot" as "status")).rejects.toThrow(/unknown command "reboot"/);
    } finally {
      await control.close();
      dir.remove();
    }
    await expect(queryControl(path, "status")).rejects.toThrow(/no control socket/);
    const other = tempDir();
    const precious = join(other.path, "notes.txt");
    writeFileSync(precious, "keep me");
    await expect(startControl(precious, () => STATUS)).rejects.toThrow(/exists and is not a socket/);
    expect(existsSync(precious)).toBe(true);
    other.remove();
    expect(controlName({ kind: "tcp", host: "::1", port: 8000 })).toBe("tcp-__1-8000.sock");
    expect(controlName({ kind: "unix", path: "/run/app.sock" })).toMatch(/^unix-app\.sock-[0-9a-f]{8}\.sock$/);
    expect(runtimeDir({ XDG_RUNTIME_DIR: "/run/user/1000" })).toBe("/run/user/1000/tsgi");
    expect(runtimeDir({ TSGI_RUNTIME_DIR: "/srv/x", XDG_RUNTIME_DIR: "/run/user/1000" })).toBe("/srv/x");
  });
});

describe("tsgi status discovery", () => {
  it("uses the only pool in the runtime directory, finds one by --bind, and lists several", async () => {
    const dir = tempDir();
    const saved = process.env.TSGI_RUNTIME_DIR;
    process.env.TSGI_RUNTIME_DIR = dir.path;
    let out = "";
    const sink = { write: (text: string) => { out += text; } };
    const first = await startControl(join(dir.path, controlName({ kind: "tcp", host: "127.0.0.1", port: 8000 })), () => STATUS);
    try {
      expect(await statusCommand([], sink, sink)).toBe(0);
      expect(out).toMatch(/^tsgi pool 42: app\.js on http:\/\/127\.0\.0\.1:8000 \(http\), running/);
      const second = await startControl(join(dir.path, controlName({ kind: "tcp", host: "127.0.0.1", port: 9000 })), () => ({ ...STATUS, pid: 43 }));
      try {
        out = "";
        expect(await statusCommand([], sink, sink)).toBe(2);
        expect(out).toMatch(/several pools in .*pick one with --control-socket:\n .*tcp-127\.0\.0\.1-8000\.sock\n .*tcp-127\.0\.0\.1-9000\.sock/);
        out = "";
        expect(await statusCommand(["--bind", "127.0.0.1:9000", "--json"], sink, sink)).toBe(0);
        expect((JSON.parse(out) as PoolStatus).pid).toBe(43);
      } finally {
        await second.close();
      }
      await first.close();
      out = "";
      expect(await statusCommand([], sink, sink)).toBe(1);
      expect(out).toMatch(/no pool found in .*start one with tsgi serve APP --workers N/);
    } finally {
      await first.close();
      if (saved === undefined) delete process.env.TSGI_RUNTIME_DIR;
      else process.env.TSGI_RUNTIME_DIR = saved;
      dir.remove();
    }
  });
});

describe("EventQueue", () => {
  it("dispatches in order, one at a time, including events posted while handling", () => {
    const seen: string[] = [];
    const deferred: Array<() => void> = [];
    const queue = new EventQueue<string>((event) => {
      seen.push(`start ${event}`);
      if (event === "a") queue.post("c");
      seen.push(`end ${event}`);
    }, (run) => deferred.push(run));
    queue.post("a");
    queue.post("b");
    expect(seen).toEqual([]);
    expect(deferred).toHaveLength(1);
    deferred.shift()?.();
    expect(seen).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });
});

describe("workerExecArgv", () => {
  it("drops -e/--print and inspectors, and adds tsx and the source condition when running from source", () => {
    expect(workerExecArgv(["--input-type=module", "-e", "code", "--max-old-space-size=512", "--inspect=9229"], false)).toEqual(["--max-old-space-size=512"]);
    const fromSource = workerExecArgv([], true);
    expect(fromSource.join(" ")).toMatch(/--import \S*tsx\S* --conditions=tsgi-source/);
    expect(workerExecArgv(["--import", "tsx", "--conditions=tsgi-source"], true)).toEqual(["--import", "tsx", "--conditions=tsgi-source"]);
  });
});
