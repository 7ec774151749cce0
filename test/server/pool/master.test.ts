// The master's state machine with a manual clock and fake workers: no processes, no timers, no patching.
import { describe, expect, it } from "vitest";
import { memorySink } from "../../../src/gateway/log.js";
import { DEFAULT_SETTINGS, PoolMaster, type MasterSettings, type PoolSignal, type SpawnSpec, type StopResult, type WorkerHandle } from "../../../src/server/pool/master.js";
import type { MasterMessage, WorkerMessage } from "../../../src/server/pool/protocol.js";

interface FakeWorker extends WorkerHandle {
  spec: SpawnSpec;
  sent: MasterMessage[];
  signals: string[];
}

function harness(overrides: Partial<MasterSettings> = {}) {
  let now = 1000;
  const spawned: FakeWorker[] = [];
  const log = memorySink();
  const stops: StopResult[] = [];
  const master = new PoolMaster({ ...DEFAULT_SETTINGS, heartbeatTimeoutMs: 1000, graceMs: 500, killMarginMs: 100, ...overrides }, {
    clock: { now: () => now },
    log,
    random: () => 0.5,
    onStopped: (result) => stops.push(result),
    describe: { pid: 1, app: "app.js", server: "http", url: "http://127.0.0.1:1" },
    spawner: {
      spawn(spec) {
        const worker: FakeWorker = {
          spec, pid: 100 + spec.id, sent: [], signals: [],
          send(message) { this.sent.push(message); },
          kill(signal) { this.signals.push(signal); },
        };
        spawned.push(worker);
        return worker;
      },
    },
  });
  const send = (id: number, message: WorkerMessage) => master.dispatch({ type: "message", id, message });
  const h = {
    master, spawned, log, stops,
    advance(ms: number) { now += ms; master.dispatch({ type: "tick" }); },
    signal(signal: PoolSignal) { master.dispatch({ type: "signal", signal }); },
    ready(id: number) { send(id, { tsgi: "ready" }); },
    beat(id: number, served = 0, inFlight = 0, oldestMs = 0) { send(id, { tsgi: "beat", served, inFlight, oldestMs }); },
    send,
    exit(id: number, code: number | null = 0, signal: string | null = null) { master.dispatch({ type: "exit", id, code, signal }); },
    live() { return master.status().processes.filter((w) => w.state === "ready" || w.state === "booting").map((w) => w.id); },
    state(id: number) { return master.status().processes.find((w) => w.id === id)?.state; },
    worker(id: number): FakeWorker { const w = spawned.find((s) => s.spec.id === id); if (w === undefined) throw new Error(`no worker ${id}`); return w; },
  };
  return h;
}

function started(workers = 2, overrides: Partial<MasterSettings> = {}) {
  const h = harness({ workers, ...overrides });
  h.master.start();
  for (const w of h.spawned) h.ready(w.spec.id);
  return h;
}

describe("pool master", () => {
  it("starts the wanted number of workers and reports them ready", () => {
    const h = started(3);
    expect(h.spawned.map((w) => w.spec.id)).toEqual([1, 2, 3]);
    const status = h.master.status();
    expect(status.processes.map((w) => [w.pid, w.state])).toEqual([[101, "ready"], [102, "ready"], [103, "ready"]]);
    expect(status).toMatchObject({ workers: 3, generation: 1, restarts: 0, phase: "running", app: "app.js" });
  });

  it("refuses a pool of zero workers", () => {
    expect(() => harness({ workers: 0 })).toThrow(/workers must be a whole number/);
  });

  it("replaces a crashed worker after a back-off that grows with repeated crashes", () => {
    const h = started(2, { backoffBaseMs: 100 });
    h.exit(1, null, "SIGKILL");
    expect(h.spawned).toHaveLength(2);
    expect(h.log.lines.join("\n")).toMatch(/worker 1 \(pid 101\) died \(SIGKILL\); replacing it/);
    h.advance(99);
    expect(h.spawned).toHaveLength(2);
    h.advance(1);
    expect(h.spawned).toHaveLength(3);
    h.ready(3);
    h.exit(3, 1, null);
    h.advance(199);
    expect(h.spawned).toHaveLength(3);
    h.advance(1);
    expect(h.spawned).toHaveLength(4);
    expect(h.master.status().restarts).toBe(2);
  });

  it("stops with code 3 and the error when workers keep failing to boot, without a storm", () => {
    const h = harness({ workers: 2, maxBootFailures: 3, backoffBaseMs: 100 });
    h.master.start();
    for (const id of [1, 2]) {
      h.send(id, { tsgi: "boot-failed", error: "Error: no DATABASE_URL" });
      h.exit(id, 3);
    }
    expect(h.spawned).toHaveLength(2);
    h.advance(200);
    expect(h.spawned).toHaveLength(4);
    h.send(3, { tsgi: "boot-failed", error: "Error: no DATABASE_URL" });
    h.exit(3, 3);
    expect(h.worker(4).signals).toEqual(["SIGQUIT"]);
    h.exit(4, null, "SIGQUIT");
    expect(h.stops).toEqual([{ code: 3, reason: "workers failed to boot 3 times in a row, stopping: Error: no DATABASE_URL" }]);
    expect(h.master.phase).toBe("stopped");
    h.advance(10_000);
    expect(h.spawned).toHaveLength(4);
  });

  it("rolls a reload: each new worker is ready before an old one stops", () => {
    const h = started(2);
    h.signal("SIGHUP");
    expect(h.spawned).toHaveLength(3);
    expect(h.worker(3).spec.generation).toBe(2);
    expect(h.state(1)).toBe("ready");
    expect(h.state(2)).toBe("ready");
    h.ready(3);
    expect(h.worker(1).sent).toEqual([{ tsgi: "stop", graceMs: 500 }]);
    expect(h.state(2)).toBe("ready");
    expect(h.spawned).toHaveLength(4);
    h.ready(4);
    expect(h.worker(2).sent).toEqual([{ tsgi: "stop", graceMs: 500 }]);
    h.exit(1);
    h.exit(2);
    expect(h.live()).toEqual([3, 4]);
    expect(h.master.status()).toMatchObject({ generation: 2, restarts: 0, recycled: 2 });
  });

  it("keeps the old workers when the new code fails to boot, and logs why", () => {
    const h = started(2, { heartbeatTimeoutMs: 60_000 });
    h.signal("SIGHUP");
    h.send(3, { tsgi: "boot-failed", error: "SyntaxError: Unexpected token" });
    h.exit(3, 3);
    h.advance(10_000);
    expect(h.spawned).toHaveLength(3);
    expect(h.live()).toEqual([1, 2]);
    expect(h.worker(1).sent).toEqual([]);
    expect(h.master.status().lastError).toMatch(/reload failed, the new code did not boot: SyntaxError: Unexpected token/);
    h.signal("SIGHUP");
    h.advance(10_000);
    expect(h.spawned).toHaveLength(4);
    expect(h.worker(4).spec.generation).toBe(3);
  });

  it("coalesces SIGHUPs that arrive during a reload into one more reload after it", () => {
    const h = started(2);
    h.signal("SIGHUP");
    for (let i = 0; i < 19; i++) h.signal("SIGHUP");
    expect(h.master.status().generation).toBe(2);
    expect(h.spawned).toHaveLength(3);
    h.ready(3);
    h.ready(4);
    h.exit(1);
    h.exit(2);
    // Generation 2 serves alone: the queued SIGHUP starts generation 3, once.
    expect(h.master.status().generation).toBe(3);
    expect(h.spawned).toHaveLength(5);
    expect(h.worker(5).spec.generation).toBe(3);
    h.ready(5);
    h.ready(6);
    h.exit(3);
    h.exit(4);
    expect(h.live()).toEqual([5, 6]);
    expect(h.spawned).toHaveLength(6);
    expect(h.master.status()).toMatchObject({ generation: 3, recycled: 4 });
    expect(h.log.lines.filter((line) => /SIGHUP during the reload/.test(line))).toHaveLength(1);
  });

  it("a SIGHUP after a failed reload retries at once (it is not queued behind the blocked one)", () => {
    const h = started(2, { heartbeatTimeoutMs: 60_000 });
    h.signal("SIGHUP");
    h.signal("SIGHUP");
    h.send(3, { tsgi: "boot-failed", error: "Error: bad" });
    h.exit(3, 3);
    // The queued SIGHUP follows the failed reload: one more attempt.
    h.advance(10_000);
    expect(h.master.status().generation).toBe(3);
    expect(h.spawned).toHaveLength(4);
  });

  it("stops a worker that was still booting with a signal, and re-sends stop if it gets ready anyway", () => {
    const h = started(2, { graceMs: 30_000 });
    h.signal("SIGHUP");
    h.signal("SIGTERM");
    expect(h.worker(3).signals).toEqual(["SIGTERM"]);
    expect(h.worker(3).sent).toEqual([{ tsgi: "stop", graceMs: 30_000 }]);
    h.ready(3);
    expect(h.worker(3).sent).toEqual([{ tsgi: "stop", graceMs: 30_000 }, { tsgi: "stop", graceMs: 30_000 }]);
    h.exit(1);
    h.exit(2);
    h.exit(3, null, "SIGTERM");
    expect(h.stops).toEqual([{ code: 0, reason: "stopped" }]);
  });

  it("drains on SIGTERM, kills what outlives the grace period, then reports stopped", () => {
    const h = started(2);
    h.signal("SIGTERM");
    expect(h.worker(1).sent).toEqual([{ tsgi: "stop", graceMs: 500 }]);
    expect(h.worker(2).sent).toEqual([{ tsgi: "stop", graceMs: 500 }]);
    h.exit(1);
    h.advance(599);
    expect(h.worker(2).signals).toEqual([]);
    h.advance(1);
    expect(h.worker(2).signals).toEqual(["SIGKILL"]);
    expect(h.stops).toEqual([]);
    h.exit(2, null, "SIGKILL");
    expect(h.stops).toEqual([{ code: 0, reason: "stopped" }]);
    expect(h.spawned).toHaveLength(2);
  });

  it("stops at once on SIGQUIT or on a second SIGINT", () => {
    const h = started(2);
    h.signal("SIGQUIT");
    expect(h.worker(1).signals).toEqual(["SIGQUIT"]);
    const g = started(1);
    g.signal("SIGINT");
    expect(g.worker(1).signals).toEqual([]);
    g.signal("SIGINT");
    expect(g.worker(1).signals).toEqual(["SIGQUIT"]);
    g.advance(DEFAULT_SETTINGS.quitMs);
    expect(g.worker(1).signals).toEqual(["SIGQUIT", "SIGKILL"]);
  });

  it("adds a worker on SIGTTIN and drains one on SIGTTOU, never below one", () => {
    const h = started(1);
    h.signal("SIGTTIN");
    expect(h.spawned).toHaveLength(2);
    h.ready(2);
    h.signal("SIGTTOU");
    expect(h.worker(1).sent).toEqual([{ tsgi: "stop", graceMs: 500 }]);
    h.exit(1);
    h.signal("SIGTTOU");
    expect(h.live()).toEqual([2]);
    expect(h.log.lines.join("\n")).toMatch(/SIGTTOU ignored/);
    expect(h.master.status()).toMatchObject({ workers: 1, restarts: 0, recycled: 0 });
  });

  it("kills a worker that stops sending heartbeats and replaces it", () => {
    const h = started(2, { heartbeatTimeoutMs: 1000 });
    h.advance(600);
    h.beat(2, 10, 0);
    h.advance(500);
    expect(h.worker(1).signals).toEqual(["SIGKILL"]);
    expect(h.worker(2).signals).toEqual([]);
    expect(h.log.lines.join("\n")).toMatch(/worker 1 \(pid 101\) sent no heartbeat for 1100 ms/);
    h.exit(1, null, "SIGKILL");
    h.advance(100);
    expect(h.spawned).toHaveLength(3);
    expect(h.master.status().restarts).toBe(1);
  });

  it("counts a worker that never gets ready as a boot failure", () => {
    const h = harness({ workers: 1, bootTimeoutMs: 5000 });
    h.master.start();
    h.advance(5001);
    expect(h.worker(1).signals).toEqual(["SIGKILL"]);
    h.exit(1, null, "SIGKILL");
    expect(h.log.lines.join("\n")).toMatch(/failed to boot: not ready within 5000 ms; retrying in 100 ms/);
  });

  it("recycles workers one at a time after max-requests, with jitter per worker", () => {
    const h = started(2, { maxRequests: 100, maxRequestsJitter: 10 });
    expect(h.spawned.map((w) => w.spec.maxRequests)).toEqual([105, 105]);
    h.send(1, { tsgi: "recycle", reason: "max-requests" });
    h.send(2, { tsgi: "recycle", reason: "max-requests" });
    expect(h.spawned).toHaveLength(3);
    h.ready(3);
    expect(h.worker(1).sent).toEqual([{ tsgi: "stop", graceMs: 500 }]);
    expect(h.worker(2).sent).toEqual([]);
    expect(h.spawned).toHaveLength(4);
    h.ready(4);
    expect(h.worker(2).sent).toEqual([{ tsgi: "stop", graceMs: 500 }]);
    h.exit(1);
    h.exit(2);
    expect(h.master.status()).toMatchObject({ recycled: 2, restarts: 0 });
  });

  it("replaces a worker whose request stays unsettled past the timeout", () => {
    const h = started(1, { timeoutMs: 1000, recoverMs: 500 });
    h.beat(1, 5, 1, 1400);
    expect(h.spawned).toHaveLength(1);
    h.beat(1, 5, 1, 1600);
    expect(h.spawned).toHaveLength(2);
    h.ready(2);
    expect(h.worker(1).sent).toEqual([{ tsgi: "stop", graceMs: 500 }]);
    expect(h.master.status().restarts).toBe(1);
  });

  it("answers a worker's status request and sums requests of workers gone", () => {
    const h = started(2);
    h.beat(1, 7, 1);
    h.beat(2, 3, 0);
    h.exit(2, null, "SIGKILL");
    h.send(1, { tsgi: "status?", requestId: 9 });
    const reply = h.worker(1).sent[0];
    expect(reply).toMatchObject({ tsgi: "status", requestId: 9, status: { served: 10, inFlight: 1, restarts: 1 } });
  });
});
