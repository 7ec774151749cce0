// The pool master's metrics as a state machine (fake workers, manual clock): live workers' latest counts,
// the gone workers' last ones kept, and replacements by reason.
import { describe, expect, it } from "vitest";
import { memorySink } from "../../src/gateway/log.js";
import { MetricsRegistry, type MetricsSnapshot } from "../../src/metrics/registry.js";
import { DEFAULT_SETTINGS, PoolMaster, type SpawnSpec } from "../../src/server/pool/master.js";
import type { MasterMessage, WorkerMessage } from "../../src/server/pool/protocol.js";

function pool(workers = 2) {
  let now = 1000;
  const sent = new Map<number, MasterMessage[]>();
  const master = new PoolMaster({ ...DEFAULT_SETTINGS, workers, heartbeatTimeoutMs: 1000, graceMs: 500, killMarginMs: 100, backoffBaseMs: 0 }, {
    clock: { now: () => now },
    log: memorySink(),
    spawner: {
      spawn(spec: SpawnSpec) {
        sent.set(spec.id, []);
        return { pid: 100 + spec.id, send: (message) => sent.get(spec.id)?.push(message), kill: () => undefined };
      },
    },
  });
  const send = (id: number, message: WorkerMessage) => master.dispatch({ type: "message", id, message });
  master.start();
  for (const id of [...sent.keys()]) send(id, { tsgi: "ready" });
  return {
    master, sent, send,
    beat: (id: number, metrics: MetricsSnapshot) => send(id, { tsgi: "beat", served: 0, inFlight: 0, oldestMs: 0, metrics }),
    exit: (id: number, signal: string | null) => master.dispatch({ type: "exit", id, code: signal === null ? 0 : null, signal }),
    advance: (ms: number) => { now += ms; master.dispatch({ type: "tick" }); },
    ids: () => [...sent.keys()],
  };
}

function counts(requests: Array<[method: string, status: number]>, inFlight = 0): MetricsSnapshot {
  const registry = new MetricsRegistry();
  for (const [method, status] of requests) {
    registry.started();
    registry.finished(method, status, 0.001);
  }
  for (let i = 0; i < inFlight; i++) registry.started();
  return registry.snapshot();
}

describe("pool master metrics", () => {
  it("merges the live workers' latest counts and reports the workers serving", () => {
    const p = pool(2);
    p.beat(1, counts([["GET", 200]]));
    p.beat(1, counts([["GET", 200], ["GET", 200]], 1));
    p.beat(2, counts([["POST", 404]]));
    const m = p.master.metrics();
    expect(m.requests).toEqual({ "GET 2xx": 2, "POST 4xx": 1 });
    expect(m.durationCount).toBe(3);
    expect(m.inFlight).toBe(1);
    expect(m.workers).toBe(2);
    expect(m.workerRestarts).toEqual({});
  });

  it("answers a worker's metrics? with the merge including the counts it sent", () => {
    const p = pool(2);
    p.beat(2, counts([["GET", 200]]));
    p.send(1, { tsgi: "metrics?", requestId: 7, snapshot: counts([["GET", 500], ["GET", 500]]) });
    const reply = p.sent.get(1)?.at(-1);
    expect(reply).toMatchObject({ tsgi: "metrics", requestId: 7 });
    expect((reply as { snapshot: MetricsSnapshot }).snapshot.requests).toEqual({ "GET 2xx": 1, "GET 5xx": 2 });
  });

  it("keeps a killed worker's last counts (counters never go down) and counts the restart by reason", () => {
    const p = pool(2);
    p.beat(1, counts([["GET", 200], ["GET", 200], ["GET", 200]], 2));
    p.beat(2, counts([["GET", 200]]));
    const before = p.master.metrics();
    p.exit(1, "SIGKILL");
    const after = p.master.metrics();
    expect(after.requests["GET 2xx"]).toBe(before.requests["GET 2xx"]);
    expect(after.durationCount).toBe(before.durationCount);
    expect(after.inFlight).toBe(0);
    expect(after.workerRestarts).toEqual({ exit: 1 });
    expect(after.workers).toBe(1);
    p.advance(10);
    const replacement = Math.max(...p.ids());
    expect(replacement).toBe(3);
    p.send(3, { tsgi: "ready" });
    p.beat(3, counts([["GET", 200]]));
    expect(p.master.metrics().requests["GET 2xx"]).toBe(5);
    expect(p.master.metrics().workers).toBe(2);
  });

  it("counts reloads, max-requests and heartbeat kills by their own reasons, and a worker's final counts", () => {
    const p = pool(1);
    p.beat(1, counts([["GET", 200]]));
    p.master.dispatch({ type: "signal", signal: "SIGHUP" });
    p.send(2, { tsgi: "ready" });
    expect(p.sent.get(1)?.at(-1)).toMatchObject({ tsgi: "stop" });
    p.send(1, { tsgi: "counts", snapshot: counts([["GET", 200], ["GET", 200]]) });
    expect(p.sent.get(1)?.at(-1)).toEqual({ tsgi: "counts-ack" });
    p.exit(1, null);
    p.send(2, { tsgi: "recycle", reason: "max-requests" });
    p.advance(1);
    p.send(3, { tsgi: "ready" });
    p.exit(2, null);
    p.advance(2000);
    p.exit(3, "SIGKILL");
    expect(p.master.metrics().workerRestarts).toEqual({ reload: 1, "max-requests": 1, heartbeat: 1 });
    expect(p.master.metrics().requests).toEqual({ "GET 2xx": 2 });
  });
});
