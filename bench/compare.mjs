// Compares two full runs of `npm run bench`: every headline ratio (and CPU-per-request ratio) of the
// page in both, and whether they agree within the tolerances of issue 15 (±10 % for a ratio, ±5 % for
// a CPU-per-request ratio). Exit code 1 when one does not, 2 on bad input.
//
//   node bench/compare.mjs bench/results/run-A.json bench/results/run-B.json [--ratio 0.10] [--cpu 0.05]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { HEADLINES } from "./report.mjs";
import { metricStats, pairedRatio } from "./lib/stats.mjs";

/**
 * The headline ratios of a results object: [{ what, kind: "ratio" | "cpu", value }] (medians of the
 * round-by-round ratios), for the comparisons both rows of which were measured.
 */
export function headlineRatios(results) {
  const out = [];
  for (const headline of HEADLINES) {
    const group = results.groups.find((candidate) => candidate.id === headline.group);
    const row = group?.rows.find((candidate) => candidate.id === headline.row && candidate.status === "ok");
    const against = group?.rows.find((candidate) => candidate.id === headline.against && candidate.status === "ok");
    if (row === undefined || against === undefined) continue;
    const main = pairedRatio(row, against, headline.metric ?? "value");
    if (main !== undefined) out.push({ what: headline.what, kind: "ratio", value: main.median });
    if (headline.cpu && metricStats(row, "cpuUs") !== undefined && metricStats(against, "cpuUs") !== undefined) {
      const cpu = pairedRatio(row, against, "cpuUs");
      if (cpu !== undefined) out.push({ what: headline.what, kind: "cpu", value: cpu.median });
    }
  }
  return out;
}

/** Each headline ratio of run `a` beside run `b`: { what, kind, a, b, change, limit, ok }. */
export function compareRuns(a, b, { ratio = 0.1, cpu = 0.05 } = {}) {
  const second = new Map(headlineRatios(b).map((entry) => [`${entry.kind}:${entry.what}`, entry.value]));
  return headlineRatios(a).flatMap((entry) => {
    const other = second.get(`${entry.kind}:${entry.what}`);
    if (other === undefined) return [];
    const change = other / entry.value - 1;
    const limit = entry.kind === "cpu" ? cpu : ratio;
    return [{ what: entry.what, kind: entry.kind, a: entry.value, b: other, change, limit, ok: Math.abs(change) <= limit }];
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { ratio: { type: "string", default: "0.10" }, cpu: { type: "string", default: "0.05" } } });
  if (positionals.length !== 2) {
    process.stderr.write("usage: node bench/compare.mjs FIRST.json SECOND.json [--ratio 0.10] [--cpu 0.05]  (full runs are kept as bench/results/run-*.json)\n");
    process.exit(2);
  }
  const [a, b] = positionals.map((path) => JSON.parse(readFileSync(path, "utf8")));
  const rows = compareRuns(a, b, { ratio: Number(values.ratio), cpu: Number(values.cpu) });
  const lines = ["| comparison | | first | second | change | limit | |", "|---|---|---:|---:|---:|---:|---|"];
  for (const row of rows) {
    lines.push(`| ${row.what} | ${row.kind === "cpu" ? "CPU/req" : "ratio"} | ${row.a.toFixed(2)}× | ${row.b.toFixed(2)}× | ${(row.change * 100).toFixed(1)} % | ±${(row.limit * 100).toFixed(0)} % | ${row.ok ? "ok" : "**outside**"} |`);
  }
  const outside = rows.filter((row) => !row.ok).length;
  lines.push("", outside === 0 ? `all ${rows.length} headline ratios agree` : `${outside} of ${rows.length} headline ratios disagree more than allowed`);
  process.stdout.write(lines.join("\n") + "\n");
  process.exit(outside === 0 ? 0 : 1);
}
