// Real processes and real signals: stop signals during a reload, a second SIGTERM, and signal storms
// never leave the pool hanging. Every wait is bounded; traffic only to 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { alive, get, loadLoop, readyPids, startPool, waitFor, type PoolProcess } from "./support.js";

let pool: PoolProcess | undefined;
afterEach(async () => {
  await pool?.stop();
  pool = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the exit code, or "hung" when the master is still running after `ms`. */
function exitWithin(p: PoolProcess, ms: number): Promise<number | null | "hung"> {
  return Promise.race([p.exited, sleep(ms).then(() => "hung" as const)]);
}

describe("pool signals (real processes)", () => {
  it("SIGHUP followed within 50 ms by SIGTERM stops promptly (no 30 s wait on the worker that was booting)", async () => {
    pool = await startPool({ workers: 2, graceMs: 30_000 });
    const pids = readyPids(await pool.status());
    const started = Date.now();
    pool.child.kill("SIGHUP");
    await sleep(30);
    pool.child.kill("SIGTERM");
    expect(await exitWithin(pool, 8000), pool.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(pool.output()).not.toMatch(/did not exit within/);
    await sleep(200);
    expect(pids.filter(alive)).toEqual([]);
  }, 20_000);
});

describe("a worker's own signals (real processes)", () => {
  it("a worker sent SIGTERM twice stops at once, as tsgi serve does, and the master replaces it", async () => {
    pool = await startPool({ workers: 1, graceMs: 30_000 });
    const p = pool;
    const [worker] = readyPids(await pool.status()) as [number];
    const slow = get(pool.port, "/slow?ms=20000").then((reply) => `answered ${reply.status}`, (error: Error) => error.message);
    await sleep(300);
    const started = Date.now();
    process.kill(worker, "SIGTERM");
    await sleep(200);
    expect(alive(worker)).toBe(true);
    process.kill(worker, "SIGTERM");
    await waitFor(() => !alive(worker), 4000, "the worker to exit after its second SIGTERM");
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await slow).toMatch(/socket hang up|ECONNRESET/);
    expect(pool.output()).toMatch(new RegExp(`worker \\d+ \\(pid ${worker}\\): SIGTERM again: stopping now`));
    await waitFor(async () => readyPids(await p.status()).length === 1, 15_000, "a replacement worker");
    expect((await get(pool.port, "/pid")).status).toBe(200);
  }, 30_000);
});

describe("pool signal storms and stop signals (real processes)", () => {
  it("a second SIGTERM stops at once, cutting a request that would outlive the grace period", async () => {
    pool = await startPool({ workers: 2, graceMs: 30_000 });
    const slow = get(pool.port, "/slow?ms=20000").then((reply) => `answered ${reply.status}`, (error: Error) => error.message);
    await sleep(300);
    const pids = readyPids(await pool.status());
    const started = Date.now();
    pool.child.kill("SIGTERM");
    await sleep(200);
    pool.child.kill("SIGTERM");
    expect(await exitWithin(pool, 6000), pool.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(await slow).toMatch(/socket hang up|ECONNRESET/);
    expect(pool.output()).toMatch(/SIGTERM again: stopping at once/);
    await sleep(200);
    expect(pids.filter(alive)).toEqual([]);
  }, 30_000);

  it("20 SIGHUPs 250 ms apart under load coalesce: few generations, no failed request, the newest code serves", async () => {
    pool = await startPool({ workers: 2 });
    const p = pool;
    let done = false;
    const load = loadLoop(pool.port, { concurrency: 2, maxRequests: 50_000, maxMs: 90_000, stop: () => done });
    let most = 0;
    let mixed = 0;
    let lastHup = 0;
    const watch = async (): Promise<void> => {
      const status = await p.status();
      most = Math.max(most, status.processes.length);
      mixed = Math.max(mixed, new Set(status.processes.filter((w) => w.state === "ready" || w.state === "booting").map((w) => w.generation)).size);
    };
    try {
      for (let i = 0; i < 20; i++) {
        pool.child.kill("SIGHUP");
        lastHup = Date.now();
        await sleep(125);
        await watch();
        await sleep(125);
        await watch();
      }
      await waitFor(async () => {
        const status = await p.status();
        return status.processes.length === 2 && status.processes.every((w) => w.state === "ready" && w.generation === status.generation);
      }, 60_000, "one generation to serve alone");
    } finally {
      done = true;
    }
    const result = await load;
    const status = await pool.status();
    expect(result.failed, result.errors.join("\n")).toBe(0);
    expect(result.ok).toBeGreaterThan(50);
    const summary = `generation ${status.generation}, at most ${most} processes and ${mixed} generations live at once, ${result.ok} requests`;
    // Without coalescing every SIGHUP made a generation (21) and up to 3 were live at once; now each reload ends before the next.
    expect(mixed, summary).toBeLessThanOrEqual(2);
    expect(status.generation, summary).toBeLessThan(21);
    expect(status.restarts).toBe(0);
    expect(most).toBeLessThanOrEqual(5);
    // The workers serving now started after the last SIGHUP: they run the newest code.
    const sinceLastHup = Date.now() - lastHup;
    for (const w of status.processes) expect(w.uptimeMs).toBeLessThan(sinceLastHup);
    expect(pool.output()).toMatch(/SIGHUP during the reload to generation 2: one more reload follows/);
  }, 120_000);

  it("a burst of mixed signals ending in SIGTERM stops the pool within its bound and leaves no worker", async () => {
    pool = await startPool({ workers: 2, graceMs: 2000 });
    const p = pool;
    const seen = new Set<number>(readyPids(await pool.status()));
    const burst: NodeJS.Signals[] = ["SIGHUP", "SIGTTIN", "SIGHUP", "SIGTTOU", "SIGHUP", "SIGTTIN", "SIGHUP", "SIGHUP", "SIGTTOU", "SIGHUP"];
    for (const signal of burst) {
      pool.child.kill(signal);
      await sleep(40);
      for (const pid of readyPids(await p.status().catch(() => ({ processes: [] }) as never))) seen.add(pid);
    }
    await sleep(300);
    for (const w of (await pool.status()).processes) if (w.pid !== undefined) seen.add(w.pid);
    const started = Date.now();
    pool.child.kill("SIGTERM");
    expect(await exitWithin(pool, 12_000), pool.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(12_000);
    await sleep(300);
    expect([...seen].filter(alive)).toEqual([]);
  }, 40_000);
});

describe("pool limits (real processes)", () => {
  it("recycles a worker gracefully once its memory passes --max-worker-memory", async () => {
    pool = await startPool({ workers: 2, maxWorkerMemoryMb: 300, heartbeatTimeoutMs: 1000 });
    const p = pool;
    await waitFor(async () => (await p.status()).processes.every((w) => w.rssBytes !== undefined), 5000, "a heartbeat with the workers' memory");
    const before = await pool.status();
    expect(before.processes.every((w) => (w.rssBytes ?? 0) > 0 && (w.rssBytes ?? Infinity) < 300 * 1024 * 1024)).toBe(true);
    const leak = await get(pool.port, "/leak?mb=320");
    const leaky = Number(/in (\d+)$/.exec(leak.body)?.[1]);
    expect(readyPids(before)).toContain(leaky);
    let done = false;
    const load = loadLoop(pool.port, { concurrency: 2, maxMs: 30_000, stop: () => done });
    try {
      await waitFor(async () => { const s = await p.status(); return s.recycled >= 1 && readyPids(s).length === 2; }, 20_000, "the leaky worker to be replaced");
    } finally {
      done = true;
    }
    const result = await load;
    const status = await pool.status();
    expect(result.failed, result.errors.join("\n")).toBe(0);
    expect(readyPids(status)).not.toContain(leaky);
    expect(status.restarts).toBe(0);
    expect(pool.output()).toMatch(new RegExp(`worker \\d+ \\(pid ${leaky}\\) asks to be replaced \\(memory: rss \\d+ MB > 300 MB\\)`));
    await waitFor(() => !alive(leaky), 10_000, "the leaky worker to exit");
  }, 60_000);

  it("answers a request that never settles with 504 after the default 30 s timeout, without --timeout", async () => {
    pool = await startPool({ workers: 1, heartbeatTimeoutMs: 60_000 });
    const started = Date.now();
    const reply = await get(pool.port, "/hang", { timeoutMs: 45_000 });
    const took = Date.now() - started;
    expect(reply).toEqual({ status: 504, body: "The app did not answer within 30000 ms.\n" });
    expect(took).toBeGreaterThanOrEqual(29_000);
    expect(took).toBeLessThan(33_000);
  }, 60_000);
});

describe("pool close() from code (real processes)", () => {
  it("two close() calls at once are one graceful stop: a request in flight still finishes", async () => {
    pool = await startPool({ workers: 2, graceMs: 10_000 }, { env: { FIXTURE_CLOSE_TWICE_AFTER_MS: "500" } });
    const slow = get(pool.port, "/slow?ms=1500").then((reply) => `${reply.status} ${reply.body.replace(/\d+$/, "PID")}`, (error: Error) => error.message);
    expect(await slow).toBe("200 slept 1500 in PID");
    expect(await exitWithin(pool, 8000), pool.output()).toBe(0);
    expect(pool.output()).toMatch(/CLOSED TWICE/);
    expect(pool.output()).not.toMatch(/again: stopping at once/);
  }, 30_000);
});
