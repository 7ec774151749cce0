// `npm run bench`: every scenario in one bounded run, on loopback, with a progress line; writes
// bench/results/latest.json and renders docs/benchmarks.md and its charts from it.
//
//   node bench/run.mjs [--only http,nginx,cgi,pool,router] [--quick] [--rounds N] [--seconds N]
//                      [--warmup N] [--connections N] [--workers N] [--out FILE] [--no-report]
// A partial run (--only or --quick) writes bench/results/partial.json and leaves the docs alone.
//
// Build first (npm run build): the tsgi rows load dist/. A tsgi part that is not built yet is reported
// as "not available", never a crash; a row that fails is reported with its error and the run goes on.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machine, pinSelf } from "./lib/cpu.mjs";
import { PHP_FPM } from "./lib/php-fpm.mjs";
import { groupSteps, runGroup } from "./lib/group.mjs";
import { killAll } from "./lib/proc.mjs";
import { progress } from "./lib/progress.mjs";
import { haveWrk } from "./lib/wrk.mjs";
import { renderReport } from "./report.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FAMILIES = ["http", "nginx", "cgi", "pool", "router"];

const { values: flags } = parseArgs({
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    seconds: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    workers: { type: "string" },
    out: { type: "string" },
    "no-report": { type: "boolean", default: false },
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
  rounds: Number(flags.rounds ?? (flags.quick ? 1 : 4)),
  seconds: Number(flags.seconds ?? 2),
  warmup: Number(flags.warmup ?? 1),
  connections: Number(flags.connections ?? 50),
  workers: Number(flags.workers ?? 2),
  cgiRuns: flags.quick ? 10 : 50,
  cgiSeconds: 2,
  routerMs: flags.quick ? 200 : 250,
};
for (const [name, value] of Object.entries(settings)) {
  if (!Number.isFinite(value) || value < 0 || (value === 0 && name !== "warmup")) {
    process.stderr.write(`bench: --${name} must be a positive number\n`);
    process.exit(2);
  }
}
const families = flags.only === undefined ? FAMILIES : flags.only.split(",").map((name) => name.trim());
for (const family of families) {
  if (!FAMILIES.includes(family)) {
    process.stderr.write(`bench: unknown family ${JSON.stringify(family)}; choose from ${FAMILIES.join(", ")}\n`);
    process.exit(2);
  }
}
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
  planned.push(...await module.groups(settings));
}
const total = planned.reduce((sum, group) => sum + groupSteps(group, settings.rounds), 0);
const bar = progress(total);
const results = [];
for (const group of planned) {
  const rows = await runGroup(group, { rounds: settings.rounds, bar });
  group.cleanup?.();
  const { rows: _planned, cleanup: _cleanup, ...info } = group;
  results.push({ ...info, rows });
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
const partial = flags.only !== undefined || flags.quick || flags.out !== undefined;
const out = resolve(ROOT, flags.out ?? `bench/results/${partial ? "partial" : "latest"}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
process.stderr.write(`results: ${relative(process.cwd(), out)}\n`);
const failed = results.flatMap((group) => group.rows.filter((row) => row.status === "failed").map((row) => `  ${group.title}: ${row.label}: ${row.reason.split("\n")[0]}`));
if (failed.length > 0) process.stderr.write(`failed rows:\n${failed.join("\n")}\n`);
if (!partial && !flags["no-report"]) {
  const written = renderReport(report, ROOT);
  process.stderr.write(`report: ${written.join(", ")}\n`);
}
