// Two full runs agree when every headline ratio moved at most ±10 % and every CPU-per-request ratio at
// most ±5 % (issue 15's done-when); bench/compare.mjs says which did not.
import { describe, expect, it } from "vitest";
import { compareRuns, headlineRatios } from "../../bench/compare.mjs";
import type { Results } from "../../bench/report.mjs";

function run(bare: number[], node: number[], bareCpu: number[], nodeCpu: number[]): Results {
  const rounds = (values: number[], cpu: number[]) => values.map((value, i) => ({ value, cpuUs: cpu[i] }));
  return {
    meta: {},
    groups: [{
      id: "http-hello", family: "http", title: "HTTP hello-world", unit: "req/s", higherIsBetter: true, baseline: "node-http",
      rows: [
        { id: "tsgi-bare", label: "tsgi bare app", tsgi: true, status: "ok", rounds: rounds(bare, bareCpu) },
        { id: "node-http", label: "node:http (raw)", tsgi: false, status: "ok", rounds: rounds(node, nodeCpu) },
        { id: "tsgi-framework", label: "tsgi framework", tsgi: true, status: "failed", reason: "crashed" },
      ],
    }],
  };
}

describe("bench compare", () => {
  const first = run([95, 96, 97], [100, 100, 100], [20, 20, 20], [20, 20, 20]);

  it("reads the medians of the paired ratios of the headlines that were measured", () => {
    expect(headlineRatios(first)).toEqual([
      { what: "tsgi bare app vs raw node:http, hello-world", kind: "ratio", value: 0.96 },
      { what: "tsgi bare app vs raw node:http, hello-world", kind: "cpu", value: 1 },
    ]);
  });

  it("accepts runs within the limits and flags a ratio or CPU ratio that moved more", () => {
    expect(compareRuns(first, run([100, 100, 100], [100, 100, 100], [20.8, 20.8, 20.8], [20, 20, 20])).every((row) => row.ok)).toBe(true);
    const [speed, cpu] = compareRuns(first, run([110, 108, 109], [100, 100, 100], [21.2, 21.2, 21.2], [20, 20, 20]));
    expect(speed).toMatchObject({ kind: "ratio", ok: false, limit: 0.1 });
    expect(speed?.change).toBeCloseTo(109 / 96 - 1, 6);
    expect(cpu).toMatchObject({ kind: "cpu", ok: false, limit: 0.05 });
  });
});
