// The benchmark page is generated, never hand-edited: wrk's report parses into numbers, a row's value
// is the median of its rounds with their range, ratios are paired round by round, a busy machine is
// called out, and every number in docs/benchmarks.md and the charts comes from the JSON.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { barChart } from "../../bench/lib/svg.mjs";
import { parseWrk } from "../../bench/lib/wrk.mjs";
import { chartsOf, markdown, overloadSummary, ratio, ratioRange, type Results } from "../../bench/report.mjs";
import { tsgiExport } from "../../bench/scenarios/apps/tsgi.mjs";

const rounds = (values: number[], cpu: number[], p99: number[], loadKb: number[]) =>
  values.map((value, i) => ({ value, cpuUs: cpu[i], latency: { p50: 1, p99: p99[i] }, loadKb: loadKb[i], errors: 0, non2xx: 0, requests: value * 3 }));

const results: Results = {
  meta: {
    date: "2026-01-01T00:00:00.000Z", commit: "abc1234", elapsedSec: 421, node: "v20.20.2", cpu: "Test CPU", cores: 2,
    pinning: "server on core 0", settings: { rounds: 3, seconds: 3, warmup: 1, connections: 50 }, tools: { wrk: "4.1.0", nginx: undefined }, peers: { fastify: "5.0.0" },
  },
  groups: [
    {
      id: "http-hello", family: "http", title: "HTTP hello-world", unit: "req/s", higherIsBetter: true, baseline: "node-http",
      noise: { before: { load1: 0.5, othersCores: 0.03 }, during: { load1: { median: 2.1, max: 2.3 }, othersCores: { median: 0.02, max: 0.06 } } },
      rows: [
        { id: "tsgi-bare", label: "tsgi bare app", tsgi: true, status: "ok", value: 45_000, latency: { p50: 1.04, p99: 2.5 }, errors: 0, non2xx: 0, cpuUs: 24, rss: { idleKb: 46_080, loadKb: 71_680 }, rounds: rounds([44_000, 45_000, 46_000], [24, 23, 25], [2.4, 2.5, 2.7], [70_000, 71_680, 69_000]) },
        { id: "node-http", label: "node:http (raw)", tsgi: false, status: "ok", value: 50_000, latency: { p50: 0.98, p99: 2.1 }, errors: 0, non2xx: 0, cpuUs: 20, rss: { idleKb: 45_056, loadKb: 55_296 }, rounds: rounds([50_000, 49_000, 51_000], [20, 20, 20], [2.0, 2.1, 2.2], [55_296, 55_000, 54_000]) },
        { id: "fastify", label: "fastify", tsgi: false, status: "failed", reason: "wrong answer from http://127.0.0.1:1/: 404\nmore detail" },
        { id: "tsgi-framework", label: "tsgi framework", tsgi: true, status: "n/a", reason: "tsgi/framework is not built" },
      ],
    },
    {
      id: "http-param", family: "http", title: "HTTP param route (/users/:id)", unit: "req/s", higherIsBetter: true, baseline: "node-http",
      noise: { before: { load1: 3, othersCores: 0.9 }, during: { othersCores: { median: 0.7, max: 1.1 } } },
      rows: [
        { id: "tsgi-framework", label: "tsgi framework", tsgi: true, status: "ok", value: 30_000, rounds: rounds([30_000, 15_000, 31_000], [30, 31, 29], [3, 9, 3], [1, 1, 1]) },
        { id: "node-http", label: "node:http (raw)", tsgi: false, status: "ok", value: 30_000, rounds: rounds([30_000, 30_000, 30_000], [25, 25, 25], [3, 3, 3], [1, 1, 1]) },
        { id: "fastify", label: "fastify", tsgi: false, status: "ok", value: 25_000, rounds: rounds([25_000, 25_000, 25_000], [27, 27, 27], [3, 3, 3], [1, 1, 1]) },
      ],
    },
    {
      id: "router", family: "router", title: "Router lookup", unit: "ns/lookup", higherIsBetter: false, baseline: "per-row", baselineLabel: "vs 10 routes",
      rows: [
        { id: "tsgi-10", label: "tsgi, 10 routes", tsgi: true, status: "ok", value: 100, baseline: "tsgi-10", rounds: [{ value: 100 }, { value: 101 }, { value: 99 }] },
        { id: "tsgi-1000", label: "tsgi, 1000 routes", tsgi: true, status: "ok", value: 110, baseline: "tsgi-10", rounds: [{ value: 110 }, { value: 111 }, { value: 109 }] },
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
    expect(report.timeouts).toBe(0);
    expect(report.non2xx).toBe(0);
    expect(report.latency.max).toBeCloseTo(121.55, 6);
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
    expect(report).toMatchObject({ rps: 100, requests: 100, errors: 10, timeouts: 4, non2xx: 7 });
    expect(report.latency).toMatchObject({ p50: 0.2, p75: 0.3, p90: 1.5, p99: 2000, mean: 0.25, max: 1 });
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

describe("bench: the report", () => {
  const page = markdown(results);
  const [hello, param, router] = results.groups;
  if (hello === undefined || param === undefined || router === undefined) throw new Error("fixture");

  it("takes ratios round by round against the group's baseline or the row's own", () => {
    expect(ratioRange(hello, hello.rows[0]!)).toMatchObject({ n: 3 });
    expect(ratio(hello, hello.rows[0]!)).toBeCloseTo(46_000 / 51_000, 6);
    expect(ratioRange(hello, hello.rows[0]!)?.min).toBeCloseTo(44_000 / 50_000, 6);
    expect(ratioRange(hello, hello.rows[0]!)?.max).toBeCloseTo(45_000 / 49_000, 6);
    expect(ratio(router, router.rows[1]!)).toBeCloseTo(1.1, 6);
  });

  it("prints each row's median with the lowest and highest round, ratios with their range, p50, p99, CPU and memory", () => {
    expect(page).toContain("| server | req/s (median) | lowest–highest round | vs node:http (raw) | p50 ms | p99 ms | CPU µs/req | CPU vs node:http (raw) | RSS idle | RSS peak under load |");
    expect(page).toContain("| **tsgi bare app** | 45,000 | 44,000–46,000 | 0.90× (0.88×–0.92×) | 1.00 (1.00–1.00) | 2.50 (2.40–2.70) | 24.0 (23.0–25.0) | 1.20× (1.15×–1.25×) | 45 MB | 70 MB |");
    expect(page).toContain("| node:http (raw) | 50,000 | 49,000–51,000 | 1.00× | 1.00 (1.00–1.00) | 2.10 (2.00–2.20) | 20.0 (20.0–20.0) | 1.00× | 44 MB | 54 MB |");
    expect(page).toContain("| **tsgi, 10 routes** | 100 | 99.0–101 | 1.00× |");
    expect(page).toContain("| **tsgi, 1000 routes** | 110 | 109–111 | 1.10× (1.10×–1.10×) |");
  });

  it("never cuts a table header, even when the title has a colon", () => {
    const section = page.slice(page.indexOf("## HTTP param route (/users/:id)"));
    const header = section.split("\n").find((line) => line.startsWith("|"));
    expect(header).toMatch(/^\| server \| req\/s \(median\) \|/);
    expect(page).not.toContain("| HTTP param route (/users/ |");
  });

  it("reads issue 11's targets directly: ratio with its range, CPU ratio, target and whether it is met", () => {
    expect(page).toContain("| tsgi bare app vs raw node:http, hello-world | ≥ 0.97×, CPU ≤ 1.05× | **0.90×** (0.88–0.92): 45,000 vs 50,000 req/s; higher is better | **1.20×** (1.15–1.25): 24.0 vs 20.0 µs | **not met** |");
    expect(page).toContain("| tsgi router: 1000 routes vs 10, lookup time |  | **1.10×** (1.10–1.10): 110 vs 100 ns/lookup; lower is better |  |  |");
    expect(page).toContain("| tsgi framework vs fastify, hello-world | > 1.00× | not measured: tsgi/framework is not built | | |");
  });

  it("records the machine's load beside each table and marks a busy group's ratios rough", () => {
    expect(page).toContain("Machine: load average 0.50 before; other processes 0.03 cores before; 0.02 cores (at most 0.06) during the rounds. Rounds agree: the widest ratio range is 4 % of its median.");
    expect(page).toContain("**Machine busy: ratios rough** (the ratio tsgi framework vs node:http (raw) moved 53 % across rounds (limit 15 %); other processes used 0.70 cores during the rounds (limit 0.25)).");
    expect(page).toMatch(/\| tsgi framework vs fastify, param route \| > 1\.00× \| \*\*1\.20×\*\* \(0\.60–1\.24\):.*\| met; machine busy: ratios rough \|$/m);
  });

  it("says past saturation whether every request was answered, with p99 and the slowest request", () => {
    const overload = {
      id: "pool-overload", family: "pool", title: "Past saturation", unit: "req/s", higherIsBetter: true, baseline: "node-cluster", overload: true,
      rows: [
        { id: "tsgi-pool", label: "tsgi pool", tsgi: true, status: "ok" as const, errors: 0, timeouts: 0, non2xx: 0, requests: 90_000, latency: { max: 812 }, rounds: [{ value: 1, latency: { p99: 40 } }, { value: 1, latency: { p99: 44 } }] },
        { id: "node-cluster", label: "node:cluster", tsgi: false, status: "ok" as const, errors: 12, timeouts: 10, non2xx: 1, requests: 80_000, latency: { max: 4000 }, rounds: [{ value: 1, latency: { p99: 3900 } }] },
      ],
    };
    expect(overloadSummary(overload)).toBe([
      "- **tsgi pool**: every request answered (90,000 in all rounds, none failed); p99 42.0 (40.0–44.0) ms, slowest 812 ms.",
      "- node:cluster: **13 requests failed** (12 socket errors of which 10 timeouts, 1 non-2xx) of 80,000; p99 3,900 ms, slowest 4,000 ms.",
    ].join("\n"));
    const page = markdown({ ...results, groups: [overload] });
    expect(page.indexOf("- **tsgi pool**: every request answered")).toBeLessThan(page.indexOf("## Past saturation"));
    expect(page).toContain("| server | req/s (median) | lowest–highest round | vs node:cluster | p50 ms | p99 ms | max ms |");
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
    expect(chartsOf({ ...hello, charts: ["p99"] }).map((chart) => chart.file)).toEqual(["http-hello.svg", "http-hello-p99.svg"]);
    expect(markdown({ ...results, groups: [{ ...hello, charts: ["p99"] }] })).toContain("![HTTP hello-world: p99 latency](benchmarks/http-hello-p99.svg)");
  });

  it("draws a bar at each measured row's median with a whisker from its lowest to its highest round", () => {
    const svg = barChart(hello);
    const bars = [...svg.matchAll(/<rect x="(\d+)" y="\d+" width="([\d.]+)"[^>]*fill="(#[0-9a-f]+)"/g)].map((match) => ({ x: Number(match[1]), width: Number(match[2]), fill: match[3] }));
    expect(bars).toHaveLength(2);
    expect(bars[0]!.width / bars[1]!.width).toBeCloseTo(45_000 / 50_000, 2);
    expect(bars[0]!.fill).toBe("#2563eb");
    expect(bars[1]!.fill).not.toBe("#2563eb");
    const whiskers = [...svg.matchAll(/<path class="whisker" d="M([\d.]+) [\d.]+H([\d.]+)/g)].map((match) => [Number(match[1]), Number(match[2])] as const);
    expect(whiskers).toHaveLength(2);
    const x0 = bars[1]!.x;
    const full = bars[1]!.width / 50_000;
    expect(whiskers[0]![0] - x0).toBeCloseTo(44_000 * full, 0);
    expect(whiskers[0]![1] - x0).toBeCloseTo(46_000 * full, 0);
    expect(svg).toContain("45,000 (44,000–46,000)");
    expect(svg).toContain("bar: median round, whisker: lowest to highest round");
    expect(svg).toContain("failed");
    expect(svg).toContain("not available");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const p99 = barChart(hello, { metric: "p99" });
    expect(p99).toContain("p99 latency, ms, lower is better");
    expect(p99).toContain("2.50 (2.40–2.70)");
  });

  it("switches to a log scale when the values span a wide range, so small bars stay visible", () => {
    expect(barChart(router)).not.toContain("log scale");
    const wide = { ...router, rows: [...router.rows, { id: "linear-1000", label: "linear, 1000 routes", tsgi: false, status: "ok" as const, value: 100_000 }] };
    const svg = barChart(wide);
    expect(svg).toContain("log scale");
    const widths = [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(Math.min(...widths)).toBeGreaterThan(20);
  });

  it("matches the page committed in docs/ to the JSON committed in bench/results/", () => {
    const committed = JSON.parse(readFileSync("bench/results/latest.json", "utf8")) as Results;
    expect(readFileSync("docs/benchmarks.md", "utf8")).toBe(markdown(committed) + "\n");
  });
});
