// `npm run bench` end to end on its quickest family: the harness plans, runs the router rows in their
// own processes, and writes a results file the report can render. No speed is asserted here.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { markdown, type Results } from "../../bench/report.mjs";
import { haveBinaries, tempDir } from "../support/daemon.js";

describe.skipIf(!haveBinaries("wrk"))("bench/run.mjs", () => {
  const dir = tempDir("tsgi-bench-run-");
  afterAll(() => dir.remove());

  it("runs a family and writes results the report renders, with a progress line and without touching the docs", async () => {
    const out = join(dir.path, "results.json");
    const docsBefore = readFileSync("docs/benchmarks.md", "utf8");
    const { stderr } = await promisify(execFile)(process.execPath, ["bench/run.mjs", "--only", "router", "--quick", "--rounds", "1", "--out", out], { encoding: "utf8", timeout: 120_000 });
    expect(stderr).toMatch(/\[\s*\d+\/45 \d+:\d\d\]/);
    expect(stderr).toMatch(/done in \d+:\d\d/);
    const results = JSON.parse(readFileSync(out, "utf8")) as Results;
    expect(results.meta).toMatchObject({ families: ["router"], settings: { rounds: 1 } });
    const router = results.groups.find((group) => group.id === "router");
    expect(router?.rows).toHaveLength(15);
    for (const row of router?.rows ?? []) {
      if (row.id.startsWith("tsgi") && row.status === "n/a") continue; // dist/ not built
      expect(row.status, `${row.label}: ${row.reason ?? ""}`).toBe("ok");
      expect(row.value).toBeGreaterThan(0);
    }
    expect(markdown(results)).toContain("## Router lookup: 10, 100, 1000 routes");
    expect(readFileSync("docs/benchmarks.md", "utf8")).toBe(docsBefore);
  }, 120_000);
});
