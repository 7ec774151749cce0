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
