// CPU per request is read over exactly the window whose requests wrk counts: a server pinned to one
// core can never appear to use more than that core, and CPU per request times req/s gives back the
// share of the core it used. Real wrk against raw node:http on loopback, one short round.
import { describe, expect, it } from "vitest";
import { pinning } from "../../bench/lib/cpu.mjs";
import { roundOf, startNodeServer, throughputRow } from "../../bench/lib/measure.mjs";
import { haveBinaries } from "../support/daemon.js";

describe("bench: one round of a throughput row", () => {
  it("turns wrk's report and the CPU readings around it into req/s, CPU per request and cores used", () => {
    const report = { rps: 40_000, requests: 120_000, latency: { p50: 1, p99: 3, max: 9 }, errors: 0, timeouts: 0, non2xx: 0 };
    const round = roundOf(report, { cpuSeconds: 2.4, wallSeconds: 3, othersCores: 0.1, loadKb: 60_000 });
    expect(round).toMatchObject({ value: 40_000, requests: 120_000, errors: 0, timeouts: 0, othersCores: 0.1, loadKb: 60_000 });
    expect(round.cpuUs).toBeCloseTo(20, 10);
    expect(round.serverCores).toBeCloseTo(0.8, 10);
    expect(roundOf({ ...report, requests: 0 }, { cpuSeconds: 1, wallSeconds: 3, othersCores: undefined, loadKb: undefined }).cpuUs).toBeUndefined();
  });

  it.skipIf(!haveBinaries("wrk", "taskset"))("measures CPU over the counted window: a pinned server uses at most one core", async () => {
    const settings = { seconds: 2, warmup: 1, connections: 20 };
    const row = throughputRow({
      id: "node-http",
      label: "node:http",
      available: () => undefined,
      start: async () => {
        const server = await startNodeServer({ impl: "node-http", app: "hello" });
        return { url: `http://127.0.0.1:${server.port}/`, memoryPids: [server.pid], stop: server.stop };
      },
      expect: "Hello, World!",
      settings,
    });
    const handle = await row.setup();
    try {
      await handle.warmup?.();
      const round = await handle.sample();
      expect(round.requests).toBeGreaterThan(1000);
      expect(round.errors).toBe(0);
      expect(round.cpuUs).toBeGreaterThan(0);
      if (pinning) expect(round.serverCores).toBeLessThanOrEqual(1.02);
      // CPU per request × requests per second = the cores the server used in that window.
      expect((round.cpuUs! * round.value) / 1e6).toBeCloseTo(round.serverCores!, 1);
      expect(round.othersCores).toBeGreaterThanOrEqual(0);
      expect(handle.idleKb).toBeGreaterThan(1000);
      expect(round.loadKb).toBeGreaterThanOrEqual(handle.idleKb! * 0.5);
    } finally {
      await handle.stop?.();
    }
  }, 30_000);
});
