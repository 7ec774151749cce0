// `npm run bench`: every scenario in one bounded run, on loopback, with a progress line; writes
// bench/results/latest.json and renders docs/benchmarks.md and its charts from it.
//
//   node bench/run.mjs [--only FAMILY|GROUP,...] [--rows ROW,...] [--quick] [--rounds N] [--seconds N]
//                      [--warmup N] [--connections N] [--workers N] [--overload-connections N]
//                      [--overload-timeout N] [--restart-every N] [--out FILE] [--no-report] [--plan]
//
// Defaults: 10 rounds of 2 s per row, 2 s warm-up, 50 connections, pool groups up to the cores, 1000
// connections past saturation, fresh server processes every 2 rounds (--restart-every 0: one process
// per row); --quick: 2 rounds of 1 s, 1 s warm-up, no restarts.
// Families: http, nginx, cgi, pool, router. Groups (a family's tables): http-hello, http-param,
// http-routes100, nginx-hello, cgi-direct, cgi-lighttpd, pool-scale, pool-overload, router.
// --rows keeps only the rows with these ids (plus each group's baseline), e.g. to re-run one
// comparison:  npm run bench -- --only http-hello --rows tsgi-bare,node-http
// A partial run (--only, --rows, --quick or --out) writes bench/results/partial.json (or FILE) and
// leaves the docs alone; a full run writes bench/results/latest.json and renders docs/benchmarks.md.
// --plan lists the groups and rows that would run, with the expected duration, and runs nothing.
//
// Build first (npm run build): the tsgi rows load dist/. A tsgi part that is not built yet is reported
// as "not available", never a crash; a row that fails is reported with its error and the run goes on.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machine, pinSelf } from "./lib/cpu.mjs";
import { PHP_FPM } from "./lib/php-fpm.mjs";
import { groupSteps, restartsIn, runGroup } from "./lib/group.mjs";
import { assess } from "./lib/stats.mjs";
import { killAll } from "./lib/proc.mjs";
import { progress } from "./lib/progress.mjs";
import { haveWrk } from "./lib/wrk.mjs";
import { renderReport } from "./report.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FAMILIES = ["http", "nginx", "cgi", "pool", "router"];

const { values: flags } = parseArgs({
  options: {
    only: { type: "string" },
    rows: { type: "string" },
    "overload-connections": { type: "string" },
    "overload-timeout": { type: "string" },
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    seconds: { type: "string" },
    warmup: { type: "string" },
    "restart-every": { type: "string" },
    connections: { type: "string" },
    workers: { type: "string" },
    out: { type: "string" },
    "no-report": { type: "boolean", default: false },
    plan: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (flags.help) {
  const lines = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
  const header = lines.slice(0, lines.findIndex((line) => !line.startsWith("//")));
  process.stdout.write(header.map((line) => line.replace(/^\/\/ ?/, "")).join("\n") + "\n");
  process.exit(0);
}

const settings = {
  rounds: Number(flags.rounds ?? (flags.quick ? 2 : 10)),
  seconds: Number(flags.seconds ?? (flags.quick ? 1 : 2)),
  warmup: Number(flags.warmup ?? (flags.quick ? 1 : 2)),
  restartEvery: Number(flags["restart-every"] ?? (flags.quick ? 0 : 2)),
  connections: Number(flags.connections ?? 50),
  workers: Number(flags.workers ?? availableParallelism()),
  overloadConnections: Number(flags["overload-connections"] ?? 1000),
  overloadTimeout: Number(flags["overload-timeout"] ?? 4),
  cgiRuns: flags.quick ? 10 : 50,
  cgiSeconds: 2,
  routerMs: flags.quick ? 200 : 250,
};
for (const [name, value] of Object.entries(settings)) {
  const zeroOk = name === "warmup" || name === "restartEvery";
  if (!Number.isInteger(value) || value < 0 || (value === 0 && !zeroOk)) {
    const flag = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    process.stderr.write(`bench: --${flag} must be a whole number${zeroOk ? "" : " above 0"}${name === "seconds" || name === "warmup" ? " (wrk takes whole seconds)" : ""}\n`);
    process.exit(2);
  }
}
const selectors = flags.only === undefined ? FAMILIES : flags.only.split(",").map((name) => name.trim()).filter(Boolean);
const families = FAMILIES.filter((family) => selectors.some((selector) => selector === family || selector.startsWith(`${family}-`)));
const wantedRows = flags.rows === undefined ? undefined : new Set(flags.rows.split(",").map((id) => id.trim()).filter(Boolean));
if (!haveWrk) {
  process.stderr.write("bench: wrk is not installed (apt-get install wrk); it is the load generator for every throughput row\n");
  process.exit(1);
}
if (!existsSync(`${ROOT}dist/index.js`)) {
  process.stderr.write("bench: dist/ is missing: run `npm run build` first (the tsgi rows load the built package)\n");
  process.exit(1);
}

function version(command, args, pattern) {
  const run = spawnSync(command, args, { encoding: "utf8" });
  return pattern.exec(`${run.stdout ?? ""}${run.stderr ?? ""}`)?.[1];
}

function packageVersion(name) {
  try { return JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, "utf8")).version; } catch { return undefined; }
}

function commit() {
  try { return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim(); } catch { return undefined; }
}

/** A rough duration of the planned groups, in seconds, for the line printed before the run. */
function estimateSec(groups) {
  let total = 0;
  for (const group of groups) {
    const rounds = Math.min(settings.rounds, group.rounds ?? settings.rounds);
    // Measured on a 2-core machine: ~0.35 s per round around wrk, ~0.4 s per CGI or router round.
    const perRound = group.unit === "req/s" ? settings.seconds + 0.35 : group.id === "cgi-lighttpd" ? settings.cgiSeconds + 0.35 : 0.4;
    const setup = group.unit === "req/s" ? 1 + settings.warmup : 0.5;
    total += 1 + group.rows.length * (setup * (1 + restartsIn(group, rounds, settings.restartEvery)) + rounds * perRound);
  }
  return total;
}

pinSelf();

// Interrupted: stop every server this run started, then exit.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}: stopping the servers this run started\n`);
    killAll();
    process.exit(130);
  });
}

const planned = [];
for (const family of families) {
  const module = await import(`./scenarios/${family}.mjs`);
  for (const group of await module.groups(settings)) {
    if (!selectors.includes(family) && !selectors.includes(group.id)) continue;
    if (wantedRows !== undefined) {
      const wanted = group.rows.filter((row) => wantedRows.has(row.id));
      if (wanted.length === 0) continue;
      const baselines = new Set([group.baseline, ...wanted.map((row) => row.baseline)]);
      group.rows = group.rows.filter((row) => wantedRows.has(row.id) || baselines.has(row.id));
    }
    planned.push(group);
  }
}
const unknown = selectors.filter((selector) => !FAMILIES.includes(selector) && !planned.some((group) => group.id === selector));
if (unknown.length > 0 || planned.length === 0) {
  const names = unknown.length > 0 ? unknown : selectors;
  process.stderr.write(`bench: nothing to run for --only ${JSON.stringify(names.join(","))}${wantedRows ? ` --rows ${JSON.stringify([...wantedRows].join(","))}` : ""}; families: ${FAMILIES.join(", ")}; groups: see --help; rows: the ids in bench/results/latest.json\n`);
  process.exit(2);
}
if (flags.plan) {
  for (const group of planned) process.stdout.write(`${group.id}: ${group.rows.map((row) => row.id).join(", ")}\n`);
}
process.stderr.write(`bench: ${planned.length} groups, ${planned.reduce((n, group) => n + group.rows.length, 0)} rows, ${settings.rounds} rounds of ${settings.seconds} s; about ${Math.ceil(estimateSec(planned) / 60)} min\n`);
if (flags.plan) process.exit(0);
const total = planned.reduce((sum, group) => sum + groupSteps(group, settings.rounds, settings.restartEvery), 0);
const bar = progress(total);
const results = [];
for (const group of planned) {
  const { rows, noise } = await runGroup(group, { rounds: settings.rounds, bar, restartEvery: settings.restartEvery });
  group.cleanup?.();
  const { rows: _planned, cleanup: _cleanup, ...info } = group;
  results.push({ ...info, noise, rows });
}
const elapsedMs = bar.elapsedMs();
bar.end();

const report = {
  meta: {
    date: new Date().toISOString(),
    commit: commit(),
    elapsedSec: Math.round(elapsedMs / 1000),
    node: process.version,
    ...machine(),
    settings,
    families,
    ...(flags.only === undefined ? {} : { only: selectors }),
    ...(wantedRows === undefined ? {} : { rows: [...wantedRows] }),
    tools: {
      wrk: version("wrk", ["--version"], /wrk (\S+)/),
      nginx: version("nginx", ["-v"], /nginx\/(\S+)/),
      lighttpd: version("lighttpd", ["-v"], /lighttpd\/(\S+)/),
      "php-fpm": PHP_FPM === undefined ? undefined : version(PHP_FPM, ["-v"], /PHP (\S+)/),
    },
    peers: Object.fromEntries(["fastify", "hono", "@hono/node-server", "koa", "express", "find-my-way", "path-to-regexp"].map((name) => [name, packageVersion(name)])),
  },
  groups: results,
};
const partial = flags.only !== undefined || flags.rows !== undefined || flags.quick || flags.out !== undefined;
const out = resolve(ROOT, flags.out ?? `bench/results/${partial ? "partial" : "latest"}.json`);
mkdirSync(dirname(out), { recursive: true });
const json = JSON.stringify(report, null, 2) + "\n";
writeFileSync(out, json);
process.stderr.write(`results: ${relative(process.cwd(), out)}\n`);
if (!partial) {
  // Every full run is also kept under its own name, so two runs can be compared (bench/compare.mjs).
  const kept = resolve(ROOT, `bench/results/run-${report.meta.date.replace(/[-:]/g, "").replace(/\..*$/, "")}${report.meta.commit ? `-${report.meta.commit}` : ""}.json`);
  writeFileSync(kept, json);
  process.stderr.write(`kept as: ${relative(process.cwd(), kept)}\n`);
}
const failed = results.flatMap((group) => group.rows.filter((row) => row.status === "failed").map((row) => `  ${group.title}: ${row.label}: ${row.reason.split("\n")[0]}`));
if (failed.length > 0) process.stderr.write(`failed rows:\n${failed.join("\n")}\n`);
const rough = results.map((group) => [group, assess(group)]).filter(([, verdict]) => verdict.busy);
for (const [group, verdict] of rough) process.stderr.write(`machine busy: ratios rough in ${group.id}: ${verdict.reasons.join("; ")}\n`);
if (!partial && !flags["no-report"]) {
  const written = renderReport(report, ROOT);
  process.stderr.write(`report: ${written.join(", ")}\n`);
}
