// Real processes: stopping (SIGTERM, SIGQUIT), scaling (SIGTTIN/SIGTTOU), max-requests recycling,
// per-request timeouts and the status command and page. Loads are bounded and loopback only.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { statusCommand } from "../../../src/server/pool/status-command.js";
import { tempDir } from "../../support/daemon.js";
import { get, loadLoop, readyPids, startPool, waitFor, type PoolProcess } from "./support.js";

let pool: PoolProcess | undefined;
afterEach(async () => {
  await pool?.stop();
  pool = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("pool lifecycle (real processes)", () => {
  it("SIGTERM lets a slow request in flight finish, refuses new connections, then exits 0", async () => {
    pool = await startPool({ workers: 2, graceMs: 10_000 });
    const slow = get(pool.port, "/slow?ms=1500");
    await sleep(300);
    const started = Date.now();
    pool.child.kill("SIGTERM");
    await sleep(300);
    const late = await get(pool.port, "/pid").then((reply) => `answered ${reply.status}`, (error: Error) => error.message);
    const reply = await slow;
    expect(reply).toMatchObject({ status: 200 });
    expect(reply.body).toMatch(/^slept 1500 in \d+$/);
    expect(late).toMatch(/ECONNREFUSED/);
    expect(await pool.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(pool.output()).toMatch(/SIGTERM: stopping; in-flight requests get 10000 ms/);
  });

  it("SIGTERM kills a request that outlives the grace period", async () => {
    pool = await startPool({ workers: 1, graceMs: 500 });
    const slow = get(pool.port, "/slow?ms=20000").then(() => "answered", (error: Error) => error.message);
    await sleep(300);
    const started = Date.now();
    pool.child.kill("SIGTERM");
    expect(await slow).toMatch(/socket hang up|ECONNRESET/);
    expect(await pool.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("SIGQUIT stops at once, without waiting for requests in flight", async () => {
    pool = await startPool({ workers: 2, graceMs: 30_000 });
    const slow = get(pool.port, "/slow?ms=20000").then(() => "answered", (error: Error) => error.message);
    await sleep(300);
    const started = Date.now();
    pool.child.kill("SIGQUIT");
    expect(await pool.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await slow).toMatch(/socket hang up|ECONNRESET/);
  });

  it("SIGTTIN adds a worker and SIGTTOU drains one", async () => {
    pool = await startPool({ workers: 2 });
    const p = pool;
    pool.child.kill("SIGTTIN");
    await waitFor(async () => readyPids(await p.status()).length === 3, 15_000, "3 workers");
    expect((await pool.status()).workers).toBe(3);
    // Two signals sent back to back may arrive as one (POSIX merges pending signals): wait in between.
    pool.child.kill("SIGTTOU");
    await waitFor(async () => (await p.status()).workers === 2, 5000, "2 workers wanted");
    pool.child.kill("SIGTTOU");
    await waitFor(async () => (await p.status()).processes.length === 1, 15_000, "1 worker");
    const result = await loadLoop(pool.port, { concurrency: 2, maxRequests: 50 });
    expect(result.failed, result.errors.join("\n")).toBe(0);
    expect(result.pids.size).toBe(1);
    expect(await pool.status()).toMatchObject({ workers: 1, restarts: 0 });
  });

  it("recycles workers after max-requests, one at a time, without a failed request", async () => {
    pool = await startPool({ workers: 2, maxRequests: 100, maxRequestsJitter: 20, heartbeatTimeoutMs: 1000 });
    const first = readyPids(await pool.status());
    const p = pool;
    let maxDraining = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        const status = await p.status();
        maxDraining = Math.max(maxDraining, status.processes.filter((w) => w.state === "draining").length);
        await sleep(30);
      }
    })();
    const result = await loadLoop(pool.port, { concurrency: 4, maxRequests: 600, maxMs: 30_000 });
    await waitFor(async () => (await p.status()).recycled >= 2, 15_000, "two recycled workers");
    done = true;
    await watch;
    const status = await pool.status();
    expect(result.failed, result.errors.join("\n")).toBe(0);
    expect(readyPids(status).some((pid) => first.includes(pid))).toBe(false);
    expect(maxDraining).toBeLessThanOrEqual(1);
    expect(status.restarts).toBe(0);
    expect(pool.output()).toMatch(/asks to be replaced \(max-requests\)/);
  }, 60_000);

  it("times a request out: its signal fires, the client gets 504, and a worker that stays stuck is replaced", async () => {
    const hooks = join(process.env.TMPDIR ?? "/tmp", `tsgi-timeout-hooks-${process.pid}.log`);
    writeFileSync(hooks, "");
    pool = await startPool({ workers: 2, timeoutMs: 500, recoverMs: 500, heartbeatTimeoutMs: 2000 }, { env: { FIXTURE_HOOK_LOG: hooks } });
    const started = Date.now();
    const aborted = await get(pool.port, "/abortable");
    expect(aborted.status).toBe(504);
    expect(aborted.body).toBe("The app did not answer within 500 ms.\n");
    expect(Date.now() - started).toBeLessThan(3000);
    await waitFor(() => readFileSync(hooks, "utf8").includes("aborted TimeoutError"), 5000, "the app to see its signal abort");
    expect((await pool.status()).restarts).toBe(0);

    const hung = await get(pool.port, "/hang");
    expect(hung.status).toBe(504);
    const p = pool;
    await waitFor(async () => (await p.status()).restarts === 1, 10_000, "the stuck worker to be replaced");
    expect(pool.output()).toMatch(/has a request unsettled for \d+ ms \(timeout 500 ms\); replacing it/);
    await waitFor(async () => readyPids(await p.status()).length === 2, 10_000, "two workers");
  }, 40_000);

  it("tsgi status prints the pool over the control socket; the status path serves JSON and HTML", async () => {
    pool = await startPool({ workers: 2, statusPath: "/_pool", heartbeatTimeoutMs: 1000 });
    await loadLoop(pool.port, { concurrency: 2, maxRequests: 20 });
    await sleep(400);
    let out = "";
    const sink = { write: (text: string) => { out += text; } };
    expect(await statusCommand(["--control", pool.control, "--json"], sink, sink)).toBe(0);
    const status = JSON.parse(out) as { processes: Array<{ pid: number; state: string }>; served: number; workers: number; pid: number };
    expect(status.workers).toBe(2);
    expect(status.pid).toBe(pool.child.pid);
    expect(status.processes.map((w) => w.state)).toEqual(["ready", "ready"]);
    expect(status.served).toBe(20);
    out = "";
    expect(await statusCommand(["--control", pool.control], sink, sink)).toBe(0);
    expect(out).toMatch(new RegExp(`^tsgi pool ${pool.child.pid}: .*app\\.ts on http://127\\.0\\.0\\.1:${pool.port} \\(http\\), running`));
    expect(out).toMatch(/workers 2 · generation 1 · served 20/);
    out = "";
    expect(await statusCommand(["--control", join(pool.dir, "nothing.sock")], sink, sink)).toBe(1);
    expect(out).toMatch(/no control socket .*nothing\.sock/);
    expect(await statusCommand(["--frobnicate"], sink, sink)).toBe(2);

    const json = await get(pool.port, "/_pool");
    expect(json.status).toBe(200);
    expect((JSON.parse(json.body) as { processes: unknown[] }).processes).toHaveLength(2);
    const html = await get(pool.port, "/_pool", { headers: { accept: "text/html" } });
    expect(html.body).toMatch(/^<!doctype html>[\s\S]*<table>[\s\S]*<td class="ready">ready<\/td>/);
    expect((await get(pool.port, "/other")).body).toBe("hello");
  });

  it("serves on a unix socket, replacing a stale socket file left by a killed server", async () => {
    const dir = tempDir();
    const path = join(dir.path, "app.sock");
    // A server killed with -9 leaves its socket file behind.
    const killed = spawn(process.execPath, ["-e", `require("node:net").createServer().listen(${JSON.stringify(path)}, () => console.log("up"))`], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve) => killed.stdout?.once("data", resolve));
    killed.kill("SIGKILL");
    await new Promise((resolve) => killed.once("exit", resolve));
    expect(existsSync(path)).toBe(true);
    try {
      pool = await startPool({ workers: 2, bind: `unix:${path}` });
      const pids = new Set<string>();
      for (let i = 0; i < 20; i++) {
        pids.add(await new Promise<string>((resolve, reject) => {
          httpRequest({ socketPath: path, path: "/pid", agent: false }, (res) => {
            let body = "";
            res.on("data", (chunk: Buffer) => { body += chunk.toString(); });
            res.on("end", () => resolve(body));
          }).on("error", reject).end();
        }));
      }
      expect([...pids].sort()).toEqual(readyPids(await pool.status()).map(String).sort());
      expect((await pool.status()).url).toBe(`unix:${path}`);
    } finally {
      await pool?.stop();
      pool = undefined;
      dir.remove();
    }
  });

  it("a stale control socket left by a killed master is reported and then replaced", async () => {
    pool = await startPool({ workers: 1 });
    const control = pool.control;
    pool.child.kill("SIGKILL");
    await pool.exited;
    let out = "";
    const sink = { write: (text: string) => { out += text; } };
    expect(await statusCommand(["--control", control], sink, sink)).toBe(1);
    expect(out).toMatch(/is stale: no pool master listens there/);
    await sleep(1500);
    const next = await startPool({ workers: 1, controlSocket: control });
    try {
      expect((await next.status()).workers).toBe(1);
    } finally {
      await next.stop();
    }
  });
});
