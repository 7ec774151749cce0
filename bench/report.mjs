// Renders bench/results/latest.json into docs/benchmarks.md and one SVG bar chart per group in
// docs/benchmarks/. Every number on the page comes from the JSON: re-run `npm run bench` (or
// `node bench/report.mjs [results.json]` to re-render) instead of editing the page.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { barChart, formatNumber } from "./lib/svg.mjs";

/** The baseline row of a row in a group, or undefined. */
function baselineOf(group, row) {
  const id = row.baseline ?? group.baseline;
  return group.rows.find((candidate) => candidate.id === id && candidate.status === "ok");
}

/** row[metric] / baseline[metric] (metric "value" or "cpuUs"), or undefined when either is missing. */
export function ratio(group, row, metric = "value") {
  const base = baselineOf(group, row);
  const mine = row[metric];
  const theirs = base?.[metric];
  return row.status === "ok" && typeof mine === "number" && typeof theirs === "number" && theirs > 0 ? mine / theirs : undefined;
}

const kb = (value) => (value === undefined ? "" : `${(value / 1024).toFixed(0)} MB`);
const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

function baselineLabel(group) {
  if (group.baseline === "per-row") return "vs 10 routes";
  const base = group.rows.find((row) => row.id === group.baseline);
  return `vs ${base?.label ?? group.baseline}`;
}

function table(group) {
  const throughput = group.unit === "req/s";
  const head = throughput
    ? [cell(group.title.split(":")[0]), "req/s", baselineLabel(group), "p99 ms", "CPU µs/req", "CPU ratio", "RSS idle", "RSS under load"]
    : ["", group.unit, baselineLabel(group), ...(group.rows.some((row) => row.timing?.p90 ?? row.latency?.p90) ? ["p90 ms"] : [])];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const row of group.rows) {
    const name = row.tsgi ? `**${cell(row.label)}**` : cell(row.label);
    if (row.status !== "ok") {
      const reason = String(row.reason ?? "").split("\n")[0].slice(0, 160);
      const why = row.status === "n/a" ? `not available: ${reason}` : `failed: ${reason}`;
      lines.push(`| ${name} | ${cell(why)} |${" |".repeat(head.length - 2)}`);
      continue;
    }
    const r = ratio(group, row);
    const ratioText = r === undefined ? "" : `${r.toFixed(2)}×`;
    if (throughput) {
      const errors = row.errors + row.non2xx > 0 ? ` (${row.errors} socket errors, ${row.non2xx} non-2xx)` : "";
      const cpuRatio = ratio(group, row, "cpuUs");
      const cpu = typeof row.cpuUs === "number" ? row.cpuUs.toFixed(1) : "";
      lines.push(`| ${name} | ${formatNumber(row.value)}${errors} | ${ratioText} | ${row.latency?.p99?.toFixed(2) ?? ""} | ${cpu} | ${cpuRatio === undefined ? "" : `${cpuRatio.toFixed(2)}×`} | ${kb(row.rss?.idleKb)} | ${kb(row.rss?.loadKb)} |`);
    } else {
      const p90 = row.timing?.p90 ?? row.latency?.p90;
      lines.push(`| ${name} | ${formatNumber(row.value)} | ${ratioText} |${head.length > 3 ? ` ${p90 === undefined ? "" : p90.toFixed(2)} |` : ""}`);
    }
  }
  return lines.join("\n");
}

/**
 * The headline comparisons: [group id, row id, against row id, what]. Throughput rows get two ratios,
 * requests per second (higher is better) and CPU time per request (lower is better).
 */
const HEADLINES = [
  ["http-hello", "tsgi-bare", "node-http", "tsgi HTTP server (bare app) vs raw node:http, hello-world"],
  ["http-param", "tsgi-framework", "fastify", "tsgi framework vs fastify, param route"],
  ["http-routes100", "tsgi-framework", "fastify", "tsgi framework vs fastify, 100-route app"],
  ["http-routes100", "tsgi-framework", "node-http", "tsgi framework vs raw node:http, 100-route app"],
  ["nginx-hello", "tsgi-fastcgi", "node-http", "behind nginx: tsgi FastCGI (keep-conn) vs node:http (proxy_pass, keepalive)"],
  ["nginx-hello", "tsgi-fastcgi", "php-fpm", "behind nginx: tsgi FastCGI vs php-fpm"],
  ["pool-hello", "tsgi-pool", "node-cluster", "tsgi pool vs node:cluster, same number of workers"],
  ["cgi-direct", "tsgi-sum", "node-e-0", "CGI: the sum example vs `node -e 0`, time per request"],
  ["cgi-direct", "tsgi-sum", "hono-sum", "CGI: the sum example vs the same app on hono, time per request"],
  ["router", "tsgi-1000", "tsgi-10", "tsgi router: 1000 routes vs 10, lookup time"],
];

function headlines(report) {
  const lines = [];
  for (const [groupId, rowId, againstId, what] of HEADLINES) {
    const group = report.groups.find((candidate) => candidate.id === groupId);
    const row = group?.rows.find((candidate) => candidate.id === rowId);
    const against = group?.rows.find((candidate) => candidate.id === againstId);
    if (group === undefined || row === undefined || against === undefined) continue;
    if (row.status !== "ok" || against.status !== "ok") {
      const reason = String((row.status !== "ok" ? row : against).reason ?? row.status).split("\n")[0].slice(0, 160);
      lines.push(`| ${what} | not measured: ${cell(reason)} | |`);
      continue;
    }
    const better = group.higherIsBetter ? "higher is better" : "lower is better";
    const main = `**${(row.value / against.value).toFixed(2)}×** (${formatNumber(row.value)} vs ${formatNumber(against.value)} ${group.unit}; ${better})`;
    const cpu = typeof row.cpuUs === "number" && typeof against.cpuUs === "number" && against.cpuUs > 0
      ? `**${(row.cpuUs / against.cpuUs).toFixed(2)}×** (${row.cpuUs.toFixed(1)} vs ${against.cpuUs.toFixed(1)} µs)`
      : "";
    lines.push(`| ${what} | ${main} | ${cpu} |`);
  }
  return lines.length === 0 ? "" : `| comparison | speed ratio | CPU per request ratio (lower is better) |\n|---|---:|---:|\n${lines.join("\n")}`;
}

function machineSection(meta) {
  const tools = Object.entries(meta.tools).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`).join(", ");
  const peers = Object.entries(meta.peers).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`).join(", ");
  const s = meta.settings;
  return [
    `- **When**: ${meta.date}${meta.commit ? `, commit \`${meta.commit}\`` : ""}; the whole run took ${Math.floor(meta.elapsedSec / 60)} min ${meta.elapsedSec % 60} s.`,
    `- **Machine**: ${meta.cpu}, ${meta.cores} cores; Node ${meta.node}. CPU placement: ${meta.pinning}.`,
    `- **Load**: wrk, ${s.connections} keep-alive connections, ${s.warmup} s warm-up, then ${s.rounds} rounds of ${s.seconds} s per row, interleaved across the rows of a table; a row's number is its best round. All traffic on 127.0.0.1.`,
    `- **Tools**: ${tools}.`,
    `- **Peers**: ${peers}.`,
  ].join("\n");
}

/** The markdown page for a report. */
export function markdown(report) {
  const sections = report.groups.map((group) => [
    `## ${group.title}`,
    "",
    group.note ? `${group.note}\n` : "",
    `![${group.title}](benchmarks/${group.id}.svg)`,
    "",
    table(group),
    "",
  ].filter((line, index) => index !== 2 || line !== "").join("\n"));
  return [
    "# Benchmarks",
    "",
    "<!-- Generated by `npm run bench` (bench/report.mjs) from bench/results/latest.json. Do not edit by hand. -->",
    "",
    "One run of `npm run bench`: every row below was measured in the same run on the same machine, so compare",
    "rows with each other, not with numbers from another machine. Ratios are against the baseline named in each",
    "table's third column (raw node:http unless stated). tsgi rows are in **bold** and blue in the charts.",
    "Each row's median round is in `bench/results/latest.json` beside its best; a wide gap between them means the",
    "machine was busy with other work during the run, and the speed ratios are rough. **CPU µs/req** — the CPU time",
    "(user + system) the measured server's processes spent per request, median of the rounds — measures work rather",
    "than elapsed time, so it stays steady when other processes compete for the cores: on a busy machine, quote it.",
    "How the run works, and how to run part of it: [bench/README.md](../bench/README.md).",
    "",
    machineSection(report.meta),
    "",
    "## Headlines",
    "",
    headlines(report),
    "",
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
    const path = join(chartDir, `${group.id}.svg`);
    writeFileSync(path, barChart(group));
    written.push(`docs/benchmarks/${group.id}.svg`);
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
