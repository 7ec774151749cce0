// The benchmark page is generated, never hand-edited: wrk's report parses into numbers, a row's value
// is the median of its rounds, and every number in docs/benchmarks.md and the charts comes from the JSON.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { combine } from "../../bench/lib/group.mjs";
import { barChart, formatNumber } from "../../bench/lib/svg.mjs";
import { parseWrk } from "../../bench/lib/wrk.mjs";
import { markdown, ratio, type Results } from "../../bench/report.mjs";
import { tsgiExport } from "../../bench/scenarios/apps/tsgi.mjs";

const results: Results = {
  meta: {
    date: "2026-01-01T00:00:00.000Z", commit: "abc1234", elapsedSec: 421, node: "v20.20.2", cpu: "Test CPU", cores: 2,
    pinning: "server on core 0", settings: { rounds: 3, seconds: 3, warmup: 1, connections: 50 }, tools: { wrk: "4.1.0", nginx: undefined }, peers: { fastify: "5.0.0" },
  },
  groups: [
    {
      id: "http-hello", family: "http", title: "HTTP hello-world", unit: "req/s", higherIsBetter: true, baseline: "node-http",
      rows: [
        { id: "tsgi-bare", label: "tsgi bare app", tsgi: true, status: "ok", value: 45_678, latency: { p50: 1.04, p99: 2.5 }, errors: 0, non2xx: 0, cpuUs: 24, rss: { idleKb: 46_080, loadKb: 71_680 } },
        { id: "node-http", label: "node:http (raw)", tsgi: false, status: "ok", value: 50_000, latency: { p50: 0.98, p99: 2.1 }, errors: 0, non2xx: 0, cpuUs: 20, rss: { idleKb: 45_056, loadKb: 55_296 } },
        { id: "fastify", label: "fastify", tsgi: false, status: "failed", reason: "wrong answer from http://127.0.0.1:1/: 404\nmore detail" },
        { id: "tsgi-framework", label: "tsgi framework", tsgi: true, status: "n/a", reason: "tsgi/framework is not built" },
      ],
    },
    {
      id: "router", family: "router", title: "Router lookup", unit: "ns/lookup", higherIsBetter: false, baseline: "per-row",
      rows: [
        { id: "tsgi-10", label: "tsgi, 10 routes", tsgi: true, status: "ok", value: 100, baseline: "tsgi-10" },
        { id: "tsgi-1000", label: "tsgi, 1000 routes", tsgi: true, status: "ok", value: 110, baseline: "tsgi-10" },
      ],
    },
  ],
};

describe("bench: wrk parsing", () => {
  it("reads requests/s, totals, latency percentiles, socket errors and non-2xx answers from a real wrk report", () => {
    const report = parseWrk(readFileSync("test/docs/fixtures/wrk-latency.txt", "utf8"));
    expect(report.rps).toBeGreaterThan(0);
    expect(report.requests).toBeGreaterThan(0);
    expect(report.latency.p50).toBeGreaterThan(0);
    expect(report.latency.p99).toBeGreaterThanOrEqual(report.latency.p50 ?? 0);
    expect(report.errors).toBe(0);
    expect(report.non2xx).toBe(0);
  });

  it("converts units and counts errors", () => {
    const text = `Running 1s test @ http://127.0.0.1:1/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   250.00us  10.00us   1.00ms   90.00%
  Latency Distribution
     50%  200.00us
     75%  300.00us
     90%    1.50ms
     99%    2.00s
  100 requests in 1.00s, 10.00KB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 7
Requests/sec:    100.00
Transfer/sec:     10.00KB
`;
    const report = parseWrk(text);
    expect(report).toMatchObject({ rps: 100, requests: 100, errors: 10, non2xx: 7 });
    expect(report.latency).toMatchObject({ p50: 0.2, p75: 0.3, p90: 1.5, p99: 2000, mean: 0.25 });
  });

  it("refuses text that is not a wrk report", () => {
    expect(() => parseWrk("unable to connect to 127.0.0.1:1 Connection refused")).toThrow(/not a wrk report/);
  });
});

describe("bench: tsgi parts not built yet", () => {
  it("are reported with a reason instead of crashing the run", async () => {
    expect(await tsgiExport("tsgi/http", "serveNothing")).toBe("tsgi/http has no serveNothing export yet");
    expect(typeof await tsgiExport("tsgi/http", "serveHttp")).toBe("function");
  });

  it("an entry node cannot resolve is 'not built', as the bench sees it at run time", async () => {
    const script = 'const m = await import("./bench/scenarios/apps/tsgi.mjs"); process.stdout.write(await m.tsgiExport("tsgi/not-an-entry", "serveNothing"));';
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(stdout).toBe("tsgi/not-an-entry is not built (run npm run build; is it implemented yet?)");
  });
});

describe("bench: rounds", () => {
  const samples = [
    { value: 10, errors: 1, non2xx: 0, requests: 30, latency: { p50: 3 }, rss: { idleKb: 5, loadKb: 9 } },
    { value: 30, errors: 0, non2xx: 2, requests: 90, latency: { p50: 1 }, rss: { idleKb: 5, loadKb: 12 } },
    { value: 20, errors: 0, non2xx: 0, requests: 60, latency: { p50: 2 }, rss: { idleKb: 5, loadKb: 7 } },
  ];

  it("takes the best round with its latency, keeps the median, sums error counts and keeps the peak memory", () => {
    expect(combine(samples, 5)).toMatchObject({ status: "ok", value: 30, median: 20, latency: { p50: 1 }, errors: 1, non2xx: 2, requests: 180, rss: { idleKb: 5, loadKb: 12 }, samples: [10, 30, 20] });
  });

  it("takes the median CPU per request across rounds", () => {
    const withCpu = samples.map((sample, i) => ({ ...sample, cpuUs: [50, 10, 30][i] }));
    expect(combine(withCpu, 5).cpuUs).toBe(30);
  });

  it("takes the lowest round when lower is better (time per request)", () => {
    expect(combine(samples, undefined, false)).toMatchObject({ value: 10, median: 20, latency: { p50: 3 } });
  });
});

describe("bench: the report", () => {
  const page = markdown(results);
  const hello = results.groups[0];

  it("computes ratios against the group's baseline or the row's own", () => {
    expect(hello && ratio(hello, hello.rows[0]!)).toBeCloseTo(0.91356, 4);
    const router = results.groups[1];
    expect(router && ratio(router, router.rows[1]!)).toBeCloseTo(1.1, 6);
  });

  it("prints each number from the JSON, with ratio, latency, CPU per request and memory", () => {
    expect(page).toContain("| **tsgi bare app** | 45,678 | 0.91× | 2.50 | 24.0 | 1.20× | 45 MB | 70 MB |");
    expect(page).toContain("| node:http (raw) | 50,000 | 1.00× | 2.10 | 20.0 | 1.00× | 44 MB | 54 MB |");
    expect(page).toContain("| **tsgi, 1000 routes** | 110 | 1.10× |");
  });

  it("puts the speed and CPU ratios of the key comparisons first", () => {
    expect(page).toContain("| tsgi HTTP server (bare app) vs raw node:http, hello-world | **0.91×** (45,678 vs 50,000 req/s; higher is better) | **1.20×** (24.0 vs 20.0 µs) |");
    expect(page).toContain("| tsgi router: 1000 routes vs 10, lookup time | **1.10×** (110 vs 100 ns/lookup; lower is better) |  |");
  });

  it("says why a row has no number, in one line", () => {
    expect(page).toContain("| fastify | failed: wrong answer from http://127.0.0.1:1/: 404 |");
    expect(page).toContain("| **tsgi framework** | not available: tsgi/framework is not built |");
    expect(page).not.toContain("more detail");
  });

  it("states when, where and how long, and links each chart", () => {
    expect(page).toContain("2026-01-01T00:00:00.000Z, commit `abc1234`; the whole run took 7 min 1 s.");
    expect(page).toContain("Test CPU, 2 cores; Node v20.20.2");
    expect(page).toContain("![HTTP hello-world](benchmarks/http-hello.svg)");
    expect(page).toContain("Do not edit by hand");
  });

  it("draws a bar per measured row, scaled to the largest, and labels the others", () => {
    const svg = hello === undefined ? "" : barChart(hello);
    const widths = [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]! / widths[1]!).toBeCloseTo(45_678 / 50_000, 2);
    expect(svg).toContain(formatNumber(45_678));
    expect(svg).toContain("failed");
    expect(svg).toContain("not available");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it("switches to a log scale when the values span a wide range, so small bars stay visible", () => {
    const router = results.groups[1];
    if (router === undefined) throw new Error("fixture");
    expect(barChart(router)).not.toContain("log scale");
    const wide = { ...router, rows: [...router.rows, { id: "linear-1000", label: "linear, 1000 routes", tsgi: false, status: "ok" as const, value: 100_000 }] };
    const svg = barChart(wide);
    expect(svg).toContain("lower is better; log scale");
    const widths = [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(Math.min(...widths)).toBeGreaterThan(20);
  });

  it("matches the page committed in docs/ to the JSON committed in bench/results/", () => {
    const committed = JSON.parse(readFileSync("bench/results/latest.json", "utf8")) as Results;
    expect(readFileSync("docs/benchmarks.md", "utf8")).toBe(markdown(committed) + "\n");
  });
});
