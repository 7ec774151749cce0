// Real processes: crashes, busy loops, boot failures and a killed master. Every load loop is bounded
// in count and time and talks to 127.0.0.1 only.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { alive, get, loadLoop, readyPids, startPool, waitFor, type PoolProcess } from "./support.js";

let pool: PoolProcess | undefined;
afterEach(async () => {
  await pool?.stop();
  pool = undefined;
});

describe("pool recovery (real processes)", () => {
  it("replaces a worker killed with -9 mid-load while the other keeps serving", async () => {
    pool = await startPool({ workers: 2 });
    const [victim, survivor] = readyPids(await pool.status());
    let replaced = false;
    // A connection node:cluster handed to the worker in the instant it died is never answered
    // (docs/servers/pool.md, "Known limits"): a short client timeout keeps the loop bounded.
    const load = loadLoop(pool.port, { concurrency: 4, maxMs: 15_000, stop: () => replaced, timeoutMs: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(victim as number, "SIGKILL");
    const p = pool;
    await waitFor(async () => {
      const pids = readyPids(await p.status());
      return pids.length === 2 && !pids.includes(victim as number);
    }, 15_000, "a replacement worker");
    await new Promise((resolve) => setTimeout(resolve, 300));
    replaced = true;
    const result = await load;
    const status = await pool.status();
    const replacement = readyPids(status).find((pid) => pid !== survivor);
    expect(result.failed, result.errors.join("\n")).toBeLessThanOrEqual(4);
    expect(result.ok).toBeGreaterThan(50);
    expect(result.pids).toContain(String(survivor));
    expect(result.pids).toContain(String(replacement));
    expect(status.restarts).toBe(1);
    expect(pool.output()).toMatch(new RegExp(`pid ${victim}\\) died \\(SIGKILL\\); replacing it`));
  });

  it("kills a worker stuck in a busy loop when its heartbeat stops, and replaces it", async () => {
    pool = await startPool({ workers: 2, heartbeatTimeoutMs: 1500 });
    const spinning = get(pool.port, "/spin", { timeoutMs: 15_000 }).then(() => "answered", (error: Error) => error.message);
    const p = pool;
    await waitFor(async () => (await p.status()).restarts === 1, 10_000, "the heartbeat to catch the busy worker");
    expect(await spinning).toMatch(/socket hang up|ECONNRESET/);
    await waitFor(async () => readyPids(await p.status()).length === 2, 10_000, "the replacement");
    expect(pool.output()).toMatch(/sent no heartbeat for \d+ ms \(blocked event loop\?\); killing it/);
    const result = await loadLoop(pool.port, { concurrency: 4, maxRequests: 200, maxMs: 10_000 });
    expect(result.failed, result.errors.join("\n")).toBe(0);
    expect(result.pids.size).toBe(2);
  });

  it("stops the master with a clear error when workers keep failing to boot, without a storm", async () => {
    const flag = join(process.env.TMPDIR ?? "/tmp", `tsgi-boot-fail-${process.pid}`);
    writeFileSync(flag, "");
    pool = await startPool({ workers: 2, maxBootFailures: 3 }, { env: { FIXTURE_BOOT_FAIL_FILE: flag }, waitReady: false });
    const code = await Promise.race([pool.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 20_000))]);
    expect(code).toBe(3);
    const output = pool.output();
    expect(output).toMatch(/PoolBootError: workers failed to boot 3 times in a row, stopping: Error: fixture refuses to boot while \S+ exists\n/);
    const attempts = output.match(/failed to boot: Error: fixture refuses|failed to boot \d+ times/g) ?? [];
    expect(attempts.length).toBeLessThanOrEqual(4);
    expect(output).not.toContain("READY");
  });

  it("workers exit on their own when the master is killed with -9", async () => {
    pool = await startPool({ workers: 2 });
    const pids = readyPids(await pool.status());
    expect(pids).toHaveLength(2);
    pool.child.kill("SIGKILL");
    await pool.exited;
    await waitFor(() => pids.every((pid) => !alive(pid)), 10_000, `workers ${pids.join(", ")} to exit`);
  });

  it("a worker stuck in a busy loop exits too when the master is killed with -9", async () => {
    pool = await startPool({ workers: 2 });
    const pids = readyPids(await pool.status());
    void get(pool.port, "/spin", { timeoutMs: 15_000 }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    pool.child.kill("SIGKILL");
    await pool.exited;
    await waitFor(() => pids.every((pid) => !alive(pid)), 10_000, `workers ${pids.join(", ")} (one spinning) to exit`);
  });

  it("runs the startup hook before traffic and the shutdown hook on a graceful stop", async () => {
    const log = join(process.env.TMPDIR ?? "/tmp", `tsgi-hooks-${process.pid}.log`);
    writeFileSync(log, "");
    pool = await startPool({ workers: 2 }, { env: { FIXTURE_HOOK_LOG: log } });
    const pids = readyPids(await pool.status());
    expect(readFileSync(log, "utf8").split("\n").filter((line) => line.startsWith("startup")).sort()).toEqual(pids.map((pid) => `startup ${pid}`).sort());
    pool.child.kill("SIGTERM");
    expect(await pool.exited).toBe(0);
    expect(readFileSync(log, "utf8").split("\n").filter((line) => line.startsWith("shutdown")).sort()).toEqual(pids.map((pid) => `shutdown ${pid}`).sort());
  });
});
