// The statistics behind every number on the benchmark page: medians and ranges of rounds, ratios
// paired round by round, and the noise guard's verdict.
import { describe, expect, it } from "vitest";
import { assess, metricStats, pairedRatio, relativeSpread, summarize } from "../../bench/lib/stats.mjs";

const row = (id: string, values: number[], cpu?: number[]) => ({
  id, label: id, status: "ok", value: 0,
  rounds: values.map((value, i) => ({ value, cpuUs: cpu?.[i], latency: { p50: 1, p99: value / 1000 } })),
});

describe("bench stats: summaries", () => {
  it("gives median, quartiles and range, ignoring missing rounds", () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, q1: 1.5, q3: 2.5, min: 1, max: 3, n: 3 });
    expect(summarize([4, null, 1, undefined, 2, 3])).toMatchObject({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(summarize([])).toBeUndefined();
    expect(relativeSpread(summarize([90, 100, 110]))).toBeCloseTo(0.2, 10);
  });

  it("reads a metric from the rounds, or from results written before rounds were kept", () => {
    expect(metricStats(row("a", [10, 30, 20], [5, 7, 6]), "cpuUs")).toMatchObject({ median: 6, min: 5, max: 7, n: 3 });
    expect(metricStats(row("a", [1000, 3000, 2000]), "p99")).toMatchObject({ median: 2, min: 1, max: 3 });
    const legacy = { id: "old", label: "old", status: "ok", value: 30, samples: [10, 30, 20], cpuUs: 12 };
    expect(metricStats(legacy)).toMatchObject({ median: 20, min: 10, max: 30, n: 3 });
    expect(metricStats(legacy, "cpuUs")).toMatchObject({ median: 12, n: 1 });
    expect(() => metricStats(legacy, "rps" as never)).toThrow(/unknown metric rps; use one of value, p50, p99, cpuUs, loadKb/);
  });
});

describe("bench stats: ratios", () => {
  it("pairs round i with round i, so a slow round that hit both rows cancels out", () => {
    // The machine was busy in round 2: both rows halved; the ratio per round stays 0.9.
    const ratio = pairedRatio(row("a", [90, 45, 90]), row("b", [100, 50, 100]));
    expect(ratio).toMatchObject({ n: 3 });
    expect(ratio?.median).toBeCloseTo(0.9, 10);
    expect((ratio?.max ?? Number.NaN) - (ratio?.min ?? Number.NaN)).toBeCloseTo(0, 10);
  });

  it("skips rounds one of the two rows lacks, and falls back to the medians when rounds do not pair", () => {
    const a = { ...row("a", [90, 90]), rounds: [{ value: 90 }, null] };
    expect(pairedRatio(a, row("b", [100, 50]))).toMatchObject({ median: 0.9, n: 1 });
    expect(pairedRatio(row("a", [90, 90, 90]), row("b", [100, 100]))).toMatchObject({ median: 0.9, n: 0 });
    expect(pairedRatio(row("a", [1, 2], [10, 12]), row("b", [1, 2], [5, 6]), "cpuUs")?.median).toBeCloseTo(2, 10);
  });
});

describe("bench stats: the noise guard", () => {
  const group = (rows: ReturnType<typeof row>[], noise?: unknown) => ({ id: "g", title: "g", baseline: "b", rows, noise });

  it("calls a group clean when every ratio stays within the limit and the machine was quiet", () => {
    const verdict = assess(group([row("a", [90, 92, 91]), row("b", [100, 100, 100])], { during: { othersCores: { median: 0.02, max: 0.1 } } }));
    expect(verdict.busy).toBe(false);
    expect(verdict.worstRatioSpread).toBeCloseTo(0.02 / 0.91, 3);
  });

  it("marks it busy when the rounds disagree on a ratio", () => {
    const verdict = assess(group([row("a", [90, 60, 91]), row("b", [100, 100, 100])]));
    expect(verdict.busy).toBe(true);
    expect(verdict.reasons[0]).toMatch(/^the ratio a vs b moved 34 % across rounds \(limit 15 %\)$/);
  });

  it("marks it busy when other processes used the cores, even if the rounds happen to agree", () => {
    const verdict = assess(group([row("a", [90, 90]), row("b", [100, 100])], { during: { othersCores: { median: 0.8, max: 1.2 } } }));
    expect(verdict).toMatchObject({ busy: true, reasons: ["other processes used 0.80 cores during the rounds (limit 0.25)"] });
  });

  it("judges a group without ratios by the spread of each row's own rounds", () => {
    expect(assess({ baseline: "none", rows: [row("a", [100, 101, 99])] }).busy).toBe(false);
    expect(assess({ baseline: "none", rows: [row("a", [100, 150, 99])] }).reasons[0]).toMatch(/^a moved 51 % across rounds/);
  });
});
