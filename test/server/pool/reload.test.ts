// Real processes: rolling reloads under a bounded load loop (127.0.0.1 only).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadLoop, readyPids, startPool, waitFor, type PoolProcess } from "./support.js";

let pool: PoolProcess | undefined;
afterEach(async () => {
  await pool?.stop();
  pool = undefined;
});

async function reloaded(p: PoolProcess, generation: number): Promise<void> {
  await waitFor(async () => {
    const status = await p.status();
    return status.generation === generation && status.processes.length === 2 && status.processes.every((w) => w.state === "ready" && w.generation === generation);
  }, 30_000, `generation ${generation} to serve alone`);
}

describe("pool reload (real processes)", () => {
  it("reloads 10 times with SIGHUP under load without a failed request", async () => {
    const hooks = join(process.env.TMPDIR ?? "/tmp", `tsgi-reload-hooks-${process.pid}.log`);
    writeFileSync(hooks, "");
    pool = await startPool({ workers: 2 }, { env: { FIXTURE_HOOK_LOG: hooks } });
    const first = readyPids(await pool.status());
    let done = false;
    const load = loadLoop(pool.port, { concurrency: 2, maxRequests: 100_000, maxMs: 170_000, stop: () => done });
    try {
      for (let generation = 2; generation <= 11; generation++) {
        pool.child.kill("SIGHUP");
        await reloaded(pool, generation);
      }
    } finally {
      done = true;
    }
    const result = await load;
    const status = await pool.status();
    expect(result.failed, result.errors.join("\n")).toBe(0);
    expect(result.ok).toBeGreaterThan(200);
    expect(status.generation).toBe(11);
    expect(status.recycled).toBe(20);
    expect(status.restarts).toBe(0);
    expect(readyPids(status).some((pid) => first.includes(pid))).toBe(false);
    // Every replaced worker drained and ran its shutdown hook.
    await waitFor(() => readFileSync(hooks, "utf8").split("\n").filter((line) => line.startsWith("shutdown")).length === 20, 5000, "20 shutdown hooks");
  }, 180_000);

  it("keeps the old workers serving when the new code fails to boot, and logs why", async () => {
    const flag = join(process.env.TMPDIR ?? "/tmp", `tsgi-reload-fail-${process.pid}`);
    rmSync(flag, { force: true });
    pool = await startPool({ workers: 2 }, { env: { FIXTURE_BOOT_FAIL_FILE: flag } });
    const before = readyPids(await pool.status()).sort();
    writeFileSync(flag, "");
    let done = false;
    const load = loadLoop(pool.port, { concurrency: 4, maxMs: 30_000, stop: () => done });
    try {
      pool.child.kill("SIGHUP");
      const p = pool;
      await waitFor(async () => /reload failed/.test((await p.status()).lastError ?? ""), 15_000, "the reload to fail");
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      done = true;
    }
    const result = await load;
    const status = await pool.status();
    expect(result.failed, result.errors.join("\n")).toBe(0);
    expect(readyPids(status).sort()).toEqual(before);
    expect(status.lastError).toMatch(/^reload failed, the new code did not boot: Error: fixture refuses to boot while \S+ exists — 2 workers of the previous code keep serving/);
    rmSync(flag);
    pool.child.kill("SIGHUP");
    await reloaded(pool, 3);
  }, 60_000);
});
