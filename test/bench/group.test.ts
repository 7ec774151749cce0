// The group runner: rows take turns round by round in a rotated order, each round's sample is kept in
// its slot (so rounds pair across rows), a row that fails is reported without stopping the others,
// and the machine's load is recorded before and during the group.
import { describe, expect, it } from "vitest";
import { combine, roundOrder, runGroup, type Row, type Sample } from "../../bench/lib/group.mjs";

const bar = { start() {}, done() {}, skip() {} };

function fakeRow(id: string, log: string[], values: number[], options: { failAt?: number; unavailable?: string } = {}): Row {
  return {
    id,
    label: id,
    available: () => options.unavailable,
    async setup() {
      let round = 0;
      return {
        idleKb: 100,
        async sample(): Promise<Sample> {
          log.push(id);
          if (round === options.failAt) throw new Error(`${id} broke`);
          const value = values[round++]!;
          return { value, cpuUs: value / 10, othersCores: 0.01, loadKb: 200 + value, latency: { p50: 1, p99: 2, max: value } };
        },
      };
    },
  };
}

describe("bench group runner", () => {
  it("goes forward then backward, rotating every second round: A B C, C B A, B C A, A C B", () => {
    expect([0, 1, 2, 3, 4, 5].map((round) => roundOrder(["A", "B", "C"], round).join(""))).toEqual(["ABC", "CBA", "BCA", "ACB", "CAB", "BAC"]);
    expect(roundOrder([], 3)).toEqual([]);
  });

  it("runs the rows in the group's runOrder, so a row and its baseline run next to each other", async () => {
    const log: string[] = [];
    const group = { title: "t", unit: "req/s", runOrder: ["c", "a"], rows: [fakeRow("a", log, [1, 2]), fakeRow("b", log, [1, 2]), fakeRow("c", log, [1, 2])] };
    const { rows } = await runGroup(group, { rounds: 2, bar, watch: false });
    expect(log.join("")).toBe("cab" + "bac");
    expect(rows.map((row) => row.id)).toEqual(["a", "b", "c"]);
  });

  it("starts a throughput table's servers afresh every restartEvery rounds and keeps the first idle memory", async () => {
    const log: string[] = [];
    let setups = 0;
    let stops = 0;
    const counted = (row: Row): Row => ({ ...row, setup: async () => {
      setups++;
      const handle = await row.setup();
      return { ...handle, idleKb: 100 * setups, stop: async () => { stops++; } };
    } });
    const group = { title: "t", unit: "req/s", rows: [counted(fakeRow("a", log, [1, 2, 3, 4, 5])), counted(fakeRow("b", log, [1, 2, 3, 4, 5]))] };
    const { rows } = await runGroup(group, { rounds: 5, bar, watch: false, restartEvery: 2 });
    expect([setups, stops]).toEqual([6, 6]);
    expect(rows.map((row) => (row as { rss?: { idleKb?: number } }).rss?.idleKb)).toEqual([100, 200]);
    const cgi = { title: "t", unit: "ms", rows: [counted(fakeRow("c", log, [1, 2, 3]))] };
    setups = 0;
    await runGroup(cgi, { rounds: 3, bar, watch: false, restartEvery: 1 });
    expect(setups).toBe(1);
  });

  it("alternates the rows, keeps every round in its slot and takes the median", async () => {
    const log: string[] = [];
    const group = { title: "t", unit: "req/s", rows: [fakeRow("a", log, [10, 30, 20, 40, 50]), fakeRow("b", log, [1, 2, 3, 4, 5]), fakeRow("c", log, [], { unavailable: "not built" })] };
    const { rows, noise } = await runGroup(group, { rounds: 5, bar, watch: false });
    expect(log.join("")).toBe("ab" + "ba" + "ba" + "ab" + "ab");
    const [a, b, c] = rows;
    expect(a).toMatchObject({ id: "a", status: "ok", value: 30, samples: [10, 30, 20, 40, 50], cpuUs: 3, rss: { idleKb: 100, loadKb: 250 }, latency: { p99: 2, max: 50 } });
    expect(b).toMatchObject({ id: "b", status: "ok", value: 3, samples: [1, 2, 3, 4, 5] });
    expect(c).toMatchObject({ id: "c", status: "n/a", reason: "not built" });
    expect(noise.during.othersCores).toEqual({ median: 0.01, max: 0.01 });
  });

  it("reports a row that fails mid-way and still measures the others", async () => {
    const log: string[] = [];
    const group = { title: "t", unit: "req/s", rows: [fakeRow("a", log, [1, 2, 3], { failAt: 1 }), fakeRow("b", log, [4, 5, 6])] };
    const { rows } = await runGroup(group, { rounds: 3, bar, watch: false });
    expect(rows[0]).toMatchObject({ status: "failed", reason: "a broke" });
    expect(rows[1]).toMatchObject({ status: "ok", value: 5 });
  });

  it("watches the idle machine for a second before the group", async () => {
    const started = Date.now();
    const { noise } = await runGroup({ title: "t", unit: "req/s", rows: [] }, { rounds: 1, bar });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(noise.before.othersCores).toBeGreaterThanOrEqual(0);
    expect(noise.before.load1).toBeGreaterThanOrEqual(0);
  });

  it("combines rounds with a missing one, summing errors over the rounds that ran", () => {
    const combined = combine([{ value: 10, errors: 1, timeouts: 1, non2xx: 0, requests: 30 }, null, { value: 20, errors: 0, timeouts: 0, non2xx: 2, requests: 60 }], undefined);
    expect(combined).toMatchObject({ value: 15, samples: [10, null, 20], errors: 1, timeouts: 1, non2xx: 2, requests: 90 });
    expect(combined.rounds[1]).toBeNull();
  });
});
