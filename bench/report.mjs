// Renders bench/results/latest.json into docs/benchmarks.md and SVG bar charts (median bars, whiskers
// for the spread of the rounds) in docs/benchmarks/. Every number on the page comes from the JSON:
// re-run `npm run bench` (or `node bench/report.mjs [results.json]` to re-render) instead of editing.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { barChart, formatNumber } from "./lib/svg.mjs";
import { assess, baselineOf, metricStats, OTHERS_CORES_LIMIT, pairedRatio, RATIO_SPREAD_LIMIT } from "./lib/stats.mjs";

/**
 * Median ratio row / baseline of a metric ("value" or "cpuUs"), paired round by round, or undefined
 * when either is missing. `ratioRange` gives the spread.
 */
export function ratio(group, row, metric = "value") {
  return ratioRange(group, row, metric)?.median;
}

/** { median, min, max, n } of the round-by-round ratio of a row to its baseline, or undefined. */
export function ratioRange(group, row, metric = "value") {
  const base = baselineOf(group, row);
  if (row.status !== "ok" || base === undefined) return undefined;
  return pairedRatio(row, base, metric);
}

const mb = (value) => (value === undefined ? "" : `${(value / 1024).toFixed(0)} MB`);
const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");
const fixed = (value, digits = 2) => (value === undefined ? "" : value.toFixed(digits));

/** "12.3 (11.0–13.1)": a median and the range of the rounds, when there is more than one. */
function withRange(stats, format) {
  if (stats === undefined) return "";
  return stats.n > 1 ? `${format(stats.median)} (${format(stats.min)}–${format(stats.max)})` : format(stats.median);
}

const times = (stats) => withRange(stats, (value) => `${value.toFixed(2)}×`);
/** A row's ratio to its baseline with the range; just 1.00× for the baseline itself. */
const ratioCell = (group, row, metric) => (baselineOf(group, row) === row ? "1.00×" : times(ratioRange(group, row, metric)));

function baselineLabel(group) {
  if (group.baseline === "per-row") return group.baselineLabel ?? "vs own baseline";
  const base = group.rows.find((row) => row.id === group.baseline);
  return `vs ${base?.label ?? group.baseline}`;
}

function table(group) {
  const throughput = group.unit === "req/s";
  const vs = baselineLabel(group);
  const head = throughput
    ? ["server", "req/s (median)", "lowest–highest round", vs, "p50 ms", "p99 ms", ...(group.overload ? ["max ms"] : []), "CPU µs/req", `CPU ${vs}`, "RSS idle", "RSS peak under load"]
    : ["", `${group.unit} (median)`, "lowest–highest round", vs, ...(group.rows.some((row) => row.timing?.p90 ?? row.latency?.p90) ? ["p90 ms"] : [])];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const row of group.rows) {
    const name = row.tsgi ? `**${cell(row.label)}**` : cell(row.label);
    if (row.status !== "ok") {
      const reason = String(row.reason ?? "").split("\n")[0].slice(0, 160);
      const why = row.status === "n/a" ? `not available: ${reason}` : `failed: ${reason}`;
      lines.push(`| ${name} | ${cell(why)} |${" |".repeat(head.length - 2)}`);
      continue;
    }
    const value = metricStats(row, "value");
    const range = value.n > 1 ? `${formatNumber(value.min)}–${formatNumber(value.max)}` : "";
    const own = row.baseline !== undefined && row.baseline !== group.baseline && group.baseline !== "per-row" ? baselineOf(group, row) : undefined;
    const against = own === undefined ? "" : ` vs ${cell(own.label)}`;
    const speed = `${ratioCell(group, row, "value")}${against}`;
    if (throughput) {
      const failedRequests = (row.errors ?? 0) + (row.non2xx ?? 0);
      const errors = failedRequests > 0 ? ` (${row.errors} socket errors${row.timeouts ? `, ${row.timeouts} timeouts` : ""}, ${row.non2xx} non-2xx)` : "";
      const p50 = metricStats(row, "p50");
      const p99 = metricStats(row, "p99");
      const cpu = metricStats(row, "cpuUs");
      const cells = [
        name,
        `${formatNumber(value.median)}${errors}`,
        range,
        speed,
        withRange(p50, (v) => v.toFixed(2)),
        withRange(p99, (v) => v.toFixed(2)),
        ...(group.overload ? [fixed(row.latency?.max)] : []),
        withRange(cpu, (v) => v.toFixed(1)),
        `${ratioCell(group, row, "cpuUs")}${against}`,
        mb(row.rss?.idleKb),
        mb(row.rss?.loadKb),
      ];
      lines.push(`| ${cells.join(" | ")} |`);
    } else {
      const p90 = row.timing?.p90 ?? row.latency?.p90;
      lines.push(`| ${name} | ${formatNumber(value.median)} | ${range} | ${speed} |${head.length > 4 ? ` ${p90 === undefined ? "" : p90.toFixed(2)} |` : ""}`);
    }
  }
  return lines.join("\n");
}

/** The noise guard's line for a group: what the machine was doing, and whether the rounds agreed. */
function noiseLine(group) {
  const verdict = assess(group);
  const parts = [];
  const before = group.noise?.before;
  const during = group.noise?.during;
  if (before?.load1 !== undefined) parts.push(`load average ${before.load1.toFixed(2)} before`);
  if (before?.othersCores !== undefined) parts.push(`other processes ${before.othersCores.toFixed(2)} cores before`);
  if (during?.othersCores !== undefined) parts.push(`${during.othersCores.median.toFixed(2)} cores (at most ${during.othersCores.max.toFixed(2)}) during the rounds`);
  const machine = parts.length > 0 ? `Machine: ${parts.join("; ")}.` : "Machine load: not recorded in these results.";
  const agreement = verdict.busy
    ? `**Machine busy: ratios rough** (${verdict.reasons.join("; ")}).`
    : verdict.worstRatioSpread > 0
      ? `Rounds agree: the widest ratio range is ${(verdict.worstRatioSpread * 100).toFixed(0)} % of its median.`
      : "Rounds agree.";
  return `${machine} ${agreement}`;
}

/**
 * The headline comparisons, with issue 11's targets where it sets one. `metric` is what the main
 * ratio compares ("value": the group's unit; "loadKb": peak memory under load); `cpu` adds the
 * CPU-per-request ratio. A target is [">=" | "<=" | ">", number] on the median ratio.
 */
export const HEADLINES = [
  { group: "http-hello", row: "tsgi-bare", against: "node-http", what: "tsgi bare app vs raw node:http, hello-world", target: [">=", 0.97], cpu: true, cpuTarget: ["<=", 1.05] },
  ...["http-hello", "http-param", "http-routes100"].flatMap((group) => ["fastify", "hono"].map((peer) => ({
    group, row: "tsgi-framework", against: peer, what: `tsgi framework vs ${peer}, ${{ "http-hello": "hello-world", "http-param": "param route", "http-routes100": "100-route app" }[group]}`, target: [">", 1], cpu: true,
  }))),
  { group: "nginx-hello", row: "tsgi-fastcgi", against: "node-http", what: "behind nginx: tsgi FastCGI vs node:http (proxy_pass, keepalive)", target: [">=", 1], cpu: true },
  { group: "nginx-hello", row: "tsgi-scgi", against: "node-http-close", what: "behind nginx: tsgi SCGI vs node:http (proxy_pass, no keepalive)", target: [">=", 1], cpu: true },
  { group: "nginx-hello", row: "tsgi-scgi", against: "tsgi-fastcgi", what: "behind nginx: RSS under load, tsgi SCGI vs tsgi FastCGI", metric: "loadKb", target: ["<=", 1.2] },
  { group: "nginx-hello", row: "tsgi-fastcgi", against: "php-fpm", what: "behind nginx: tsgi FastCGI vs php-fpm", cpu: true },
  { group: "pool-scale", row: "tsgi-pool-2", against: "node-cluster-2", what: "tsgi pool vs node:cluster, 2 workers", cpu: true },
  { group: "pool-scale", row: "tsgi-pool-1", against: "node-cluster-1", what: "tsgi pool vs node:cluster, 1 worker", cpu: true },
  { group: "cgi-direct", row: "tsgi-sum", against: "node-e-0", what: "CGI: the sum example vs `node -e 0`, time per request", target: ["<=", 1.5] },
  { group: "cgi-direct", row: "tsgi-sum", against: "hono-sum", what: "CGI: the sum example vs the same app on hono, time per request" },
  { group: "router", row: "tsgi-1000", against: "tsgi-10", what: "tsgi router: 1000 routes vs 10, lookup time" },
];

const meets = ([op, bound], value) => (op === ">=" ? value >= bound : op === "<=" ? value <= bound : op === ">" ? value > bound : value < bound);
const targetText = (target) => (target === undefined ? "" : `${target[0].replace(">=", "≥").replace("<=", "≤")} ${target[1].toFixed(2)}×`);

function headlines(report) {
  const lines = [];
  for (const headline of HEADLINES) {
    const group = report.groups.find((candidate) => candidate.id === headline.group);
    const row = group?.rows.find((candidate) => candidate.id === headline.row);
    const against = group?.rows.find((candidate) => candidate.id === headline.against);
    if (group === undefined || row === undefined || against === undefined) continue;
    const targets = [headline.target, headline.cpuTarget].filter(Boolean).map((t, i) => `${i === 0 ? "" : "CPU "}${targetText(t)}`).join(", ");
    if (row.status !== "ok" || against.status !== "ok") {
      const reason = String((row.status !== "ok" ? row : against).reason ?? row.status).split("\n")[0].slice(0, 160);
      lines.push(`| ${headline.what} | ${targets} | not measured: ${cell(reason)} | | |`);
      continue;
    }
    const metric = headline.metric ?? "value";
    const main = pairedRatio(row, against, metric);
    const a = metricStats(row, metric)?.median;
    const b = metricStats(against, metric)?.median;
    const unit = metric === "loadKb" ? "peak RSS under load (median of the rounds)" : metric === "p99" ? "ms p99" : group.unit;
    const better = metric === "value" ? (group.higherIsBetter ? "higher is better" : "lower is better") : "lower is better";
    const show = (value) => (metric === "loadKb" ? mb(value) : formatNumber(value));
    const mainText = main === undefined ? "" : `**${main.median.toFixed(2)}×**${main.n > 1 ? ` (${main.min.toFixed(2)}–${main.max.toFixed(2)})` : ""}: ${show(a)} vs ${show(b)} ${unit}; ${better}`;
    const cpu = headline.cpu ? pairedRatio(row, against, "cpuUs") : undefined;
    const cpuA = metricStats(row, "cpuUs")?.median;
    const cpuB = metricStats(against, "cpuUs")?.median;
    const cpuText = cpu === undefined ? "" : `**${cpu.median.toFixed(2)}×**${cpu.n > 1 ? ` (${cpu.min.toFixed(2)}–${cpu.max.toFixed(2)})` : ""}: ${cpuA.toFixed(1)} vs ${cpuB.toFixed(1)} µs`;
    const checks = [];
    if (headline.target !== undefined && main !== undefined) checks.push(meets(headline.target, main.median));
    if (headline.cpuTarget !== undefined && cpu !== undefined) checks.push(meets(headline.cpuTarget, cpu.median));
    let verdict = checks.length === 0 ? "" : checks.every(Boolean) ? "met" : "**not met**";
    if (assess(group).busy) verdict = `${verdict}${verdict === "" ? "" : "; "}machine busy: ratios rough`;
    lines.push(`| ${headline.what} | ${targets} | ${mainText} | ${cpuText} | ${verdict} |`);
  }
  return lines.length === 0 ? "" : [
    "| comparison | target (issue 11) | ratio: median of rounds (lowest–highest) | CPU per request ratio (lower is better) | |",
    "|---|---:|---:|---:|---|",
    ...lines,
  ].join("\n");
}

/**
 * What happened past saturation, row by row: whether every request was answered (no socket error,
 * timeout or non-2xx answer in any round), p99 (median of rounds) and the slowest request.
 */
export function overloadSummary(group) {
  return group.rows.map((row) => {
    if (row.status !== "ok") return `- ${row.label}: not measured (${String(row.reason ?? row.status).split("\n")[0].slice(0, 160)}).`;
    const failed = (row.errors ?? 0) + (row.non2xx ?? 0);
    const answered = failed === 0
      ? `every request answered (${(row.requests ?? 0).toLocaleString("en-US")} in all rounds, none failed)`
      : `**${failed.toLocaleString("en-US")} requests failed** (${row.errors} socket errors of which ${row.timeouts ?? 0} timeouts, ${row.non2xx} non-2xx) of ${(row.requests ?? 0).toLocaleString("en-US")}`;
    const p99 = metricStats(row, "p99");
    const latency = p99 === undefined ? "" : `; p99 ${withRange(p99, (v) => formatNumber(v))} ms, slowest ${row.latency?.max === undefined ? "?" : formatNumber(row.latency.max)} ms`;
    return `- ${row.tsgi ? `**${row.label}**` : row.label}: ${answered}${latency}.`;
  }).join("\n");
}

function machineSection(meta) {
  const tools = Object.entries(meta.tools ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`).join(", ");
  const peers = Object.entries(meta.peers ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`).join(", ");
  const s = meta.settings;
  return [
    `- **When**: ${meta.date}${meta.commit ? `, commit \`${meta.commit}\`` : ""}; the whole run took ${Math.floor(meta.elapsedSec / 60)} min ${meta.elapsedSec % 60} s.`,
    `- **Machine**: ${meta.cpu}, ${meta.cores} cores; Node ${meta.node}. CPU placement: ${meta.pinning}.`,
    `- **Load**: wrk, ${s.connections} keep-alive connections, ${s.warmup} s warm-up per row, then ${s.rounds} rounds of ${s.seconds} s per row, the rows of a table alternating (forward, then backward, rotated every second round; each tsgi row next to the peers it is compared with)${s.restartEvery > 0 ? `; every server is started afresh (and warmed up again) every ${s.restartEvery} rounds, so a row's rounds come from several processes` : ""}. All traffic on 127.0.0.1.`,
    ...(tools === "" ? [] : [`- **Tools**: ${tools}.`]),
    ...(peers === "" ? [] : [`- **Peers**: ${peers}.`]),
  ].join("\n");
}

/** Chart files of a group: `{id}.svg` for its unit, plus one per extra metric it asks for (`{id}-p99.svg`). */
export function chartsOf(group) {
  return [{ metric: "value", file: `${group.id}.svg` }, ...(group.charts ?? []).map((metric) => ({ metric, file: `${group.id}-${metric}.svg` }))];
}

const CHART_NAMES = { p99: "p99 latency", cpuUs: "CPU per request" };

/** The markdown page for a report. */
export function markdown(report) {
  const sections = report.groups.map((group) => [
    `## ${group.title}`,
    "",
    ...(group.note ? [group.note, ""] : []),
    noiseLine(group),
    "",
    ...chartsOf(group).flatMap(({ metric, file }) => [`![${group.title}${metric === "value" ? "" : `: ${CHART_NAMES[metric] ?? metric}`}](benchmarks/${file})`, ""]),
    table(group),
    "",
    ...(group.overload ? [overloadSummary(group), ""] : []),
  ].join("\n"));
  return [
    "# Benchmarks",
    "",
    "<!-- Generated by `npm run bench` (bench/report.mjs) from bench/results/latest.json. Do not edit by hand. -->",
    "",
    "One run of `npm run bench`: every row below was measured in the same run on the same machine, so compare",
    "rows with each other, not with numbers from another machine. The rows of a table take turns: each row runs",
    "for one round, then the next, forward then backward and rotated, several rounds each. **Every number is the",
    "median of the rounds**; beside it is the lowest and highest round (the whiskers in the charts). A ratio is",
    "taken round by round (a row against its baseline in the same round, which ran next to it in time) and shown",
    "as the median with the lowest and highest round's ratio. **CPU µs/req** is the CPU time (user + system) the",
    "measured server's processes spent per request, read right before and right after the load of each round:",
    "it measures work rather than elapsed time, so it moves less than req/s when other processes compete.",
    `Each table says what else the machine ran; a table whose ratios moved more than ${RATIO_SPREAD_LIMIT * 100} % across rounds, or`,
    `during which other processes used more than ${OTHERS_CORES_LIMIT} cores, is marked **machine busy: ratios rough**.`,
    "tsgi rows are in **bold** and blue in the charts. How the run works, how to re-run one row and how to read",
    "the spread: [bench/README.md](../bench/README.md).",
    "",
    machineSection(report.meta),
    "",
    "## Headlines",
    "",
    headlines(report),
    "",
    ...report.groups.filter((group) => group.overload).flatMap((group) => [`${group.title}:`, "", overloadSummary(group), ""]),
    ...sections,
  ].join("\n").replace(/\n{3,}/g, "\n\n");
}

/** Writes docs/benchmarks.md and docs/benchmarks/*.svg under `root`; returns the paths written. */
export function renderReport(report, root) {
  const chartDir = join(root, "docs/benchmarks");
  mkdirSync(chartDir, { recursive: true });
  for (const name of readdirSync(chartDir)) if (name.endsWith(".svg")) rmSync(join(chartDir, name));
  const written = [];
  for (const group of report.groups) {
    for (const { metric, file } of chartsOf(group)) {
      writeFileSync(join(chartDir, file), barChart(group, { metric }));
      written.push(`docs/benchmarks/${file}`);
    }
  }
  writeFileSync(join(root, "docs/benchmarks.md"), markdown(report) + "\n");
  return ["docs/benchmarks.md", ...written];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const source = process.argv[2] ?? join(root, "bench/results/latest.json");
  const written = renderReport(JSON.parse(readFileSync(source, "utf8")), root);
  process.stdout.write(`${written.join("\n")}\n`);
}
