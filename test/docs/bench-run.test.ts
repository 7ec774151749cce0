// `npm run bench` end to end on its quickest parts: the harness plans, runs the router rows in their
// own processes, re-runs one HTTP comparison with --rows, refuses what it does not know, and writes a
// results file the report can render. No speed is asserted here.
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

  it("re-runs one comparison: --only GROUP --rows ROW keeps that row and its baseline, alternating, with CPU and the machine's load", async () => {
    const out = join(dir.path, "one-row.json");
    const docsBefore = readFileSync("docs/benchmarks.md", "utf8");
    const { stderr } = await promisify(execFile)(process.execPath, ["bench/run.mjs", "--only", "http-hello", "--rows", "tsgi-bare", "--rounds", "2", "--seconds", "1", "--warmup", "1", "--out", out], { encoding: "utf8", timeout: 120_000 });
    expect(stderr).toMatch(/^bench: 1 groups, 2 rows, 2 rounds of 1 s; about 1 min$/m);
    const results = JSON.parse(readFileSync(out, "utf8")) as Results;
    expect(results.groups.map((group) => group.id)).toEqual(["http-hello"]);
    const [group] = results.groups;
    expect(group?.rows.map((row) => row.id)).toEqual(["tsgi-bare", "node-http"]);
    expect(group?.noise?.before?.othersCores).toBeGreaterThanOrEqual(0);
    expect(group?.noise?.during?.othersCores?.max).toBeGreaterThanOrEqual(0);
    for (const row of group?.rows ?? []) {
      if (row.id.startsWith("tsgi") && row.status === "n/a") continue; // dist/ not built
      expect(row.status, `${row.label}: ${row.reason ?? ""}`).toBe("ok");
      expect(row.rounds).toHaveLength(2);
      for (const round of row.rounds ?? []) expect(round).toMatchObject({ value: expect.any(Number), cpuUs: expect.any(Number), latency: { p99: expect.any(Number) } });
    }
    expect(readFileSync("docs/benchmarks.md", "utf8")).toBe(docsBefore);
  }, 120_000);

  it("refuses a family, group or row it does not know, naming the choices, before starting anything", async () => {
    const run = (args: string[]) => promisify(execFile)(process.execPath, ["bench/run.mjs", ...args, "--out", join(dir.path, "never.json")], { encoding: "utf8", timeout: 60_000 });
    await expect(run(["--only", "htp"])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/nothing to run for --only "htp"; families: http, nginx, cgi, pool, router/) });
    await expect(run(["--only", "http-hello", "--rows", "tsgi-nope"])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--rows "tsgi-nope"/) });
    await expect(run(["--only", "router", "--seconds", "0.5"])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--seconds must be a whole number above 0/) });
  }, 60_000);
});
