// tsgi FastCGI behind nginx against its peers, in one bounded run on loopback, wrk through ONE nginx
// (one worker): tsgi FastCGI with kept connections (fastcgi_keep_conn + upstream keepalive), raw
// node:http behind proxy_pass with upstream keepalive, and php-fpm serving a hello-world when it is
// installed. Prints req/s, latency and the ratio of each row to node:http.
//
//   node bench/fastcgi.mjs [--rounds N] [--seconds N] [--warmup N] [--connections N] [--json] [--no-cpu]
//
// Then, unless --no-cpu, the backend's CPU time per request (user + system, from /proc) for tsgi FastCGI
// and node:http through the same nginx, in alternating rounds: a figure that stays meaningful when
// other work on the machine makes req/s swing.
//
// Build first (npm run build): the tsgi row loads dist/, as users run it. The rows, nginx config and
// php-fpm pool come from bench/scenarios/nginx.mjs, so this agrees with `npm run bench`.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { machine } from "./lib/cpu.mjs";
import { runGroup } from "./lib/group.mjs";
import { get, startNodeServer } from "./lib/measure.mjs";
import { startNginx } from "./lib/nginx.mjs";
import { haveWrk, runWrk } from "./lib/wrk.mjs";
import { APPS } from "./scenarios/apps/routes.mjs";
import { groups } from "./scenarios/nginx.mjs";

const ROWS = ["tsgi-fastcgi", "node-http", "php-fpm", "tsgi-scgi"];

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "4" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "50" },
    json: { type: "boolean", default: false },
    "no-cpu": { type: "boolean", default: false },
  },
});
const settings = {
  rounds: Number(flags.rounds),
  seconds: Number(flags.seconds),
  warmup: Number(flags.warmup),
  connections: Number(flags.connections),
};
for (const [name, value] of Object.entries(settings)) {
  if (!Number.isFinite(value) || value <= 0 || value > 600) {
    process.stderr.write(`bench/fastcgi: --${name} must be a number between 0 and 600\n`);
    process.exit(2);
  }
}
if (!haveWrk) {
  process.stderr.write("bench/fastcgi: wrk is not installed (apt-get install wrk)\n");
  process.exit(2);
}

const [group] = await groups(settings);
group.rows = group.rows.filter((row) => ROWS.includes(row.id));
const quiet = { start() {}, done(line) { process.stderr.write(`  ${line}\n`); }, skip() {} };
process.stderr.write(`${group.title} — ${settings.rounds} rounds of ${settings.seconds} s, ${settings.connections} connections\n`);
const { rows: results } = await runGroup(group, { rounds: settings.rounds, bar: quiet });

const base = results.find((row) => row.id === "node-http");
const lines = [];
const info = machine();
lines.push(`machine: ${info.cpu}, ${info.cores} cores; ${info.pinning}`);
lines.push("");
lines.push("| server (through one nginx worker) | req/s | p50 ms | p99 ms | vs node:http |");
lines.push("|---|---:|---:|---:|---:|");
for (const row of results) {
  if (row.status !== "ok") {
    lines.push(`| ${row.label} | ${row.status}: ${String(row.reason).split("\n")[0]} | | | |`);
    continue;
  }
  const ratio = base?.status === "ok" ? (row.value / base.value).toFixed(2) + "×" : "n/a";
  const errors = row.errors || row.non2xx ? ` (errors ${row.errors}, non-2xx ${row.non2xx})` : "";
  lines.push(`| ${row.label}${errors} | ${Math.round(row.value)} | ${row.latency?.p50?.toFixed(2) ?? ""} | ${row.latency?.p99?.toFixed(2) ?? ""} | ${ratio} |`);
}
const tsgiRow = results.find((row) => row.id === "tsgi-fastcgi");
if (tsgiRow?.status === "ok" && base?.status === "ok") {
  const ratio = tsgiRow.value / base.value;
  lines.push("");
  lines.push(`tsgi FastCGI / node:http keepalive = ${ratio.toFixed(2)} (target >= 0.90: ${ratio >= 0.9 ? "met" : "NOT met"})`);
}
process.stdout.write(lines.join("\n") + "\n");

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat (clock ticks of 10 ms). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function cpuPerRequest() {
  const rows = [
    { id: "tsgi-fastcgi", label: "tsgi FastCGI (keep-conn)", impl: "tsgi-bare", protocol: "fastcgi" },
    { id: "node-http", label: "node:http (proxy_pass, keepalive)", impl: "node-http", protocol: "http" },
  ];
  const live = [];
  try {
    for (const row of rows) {
      const app = await startNodeServer({ impl: row.impl, app: "hello", protocol: row.protocol });
      const nginx = await startNginx({ kind: row.protocol, port: app.port });
      live.push({ ...row, app, nginx, url: nginx.url(APPS.hello.path), cpu: [], rps: [] });
      const check = await get(nginx.url(APPS.hello.path));
      if (check.status !== 200) throw new Error(`${row.label}: ${check.status} ${check.body}`);
      await runWrk(nginx.url(APPS.hello.path), { seconds: settings.warmup, connections: settings.connections });
    }
    for (let round = 0; round < settings.rounds; round++) {
      for (const entry of live) {
        const before = cpuSeconds(entry.app.pid);
        const report = await runWrk(entry.url, { seconds: settings.seconds, connections: settings.connections });
        entry.cpu.push(((cpuSeconds(entry.app.pid) - before) * 1e6) / report.requests);
        entry.rps.push(report.rps);
      }
    }
  } finally {
    for (const entry of live) {
      await entry.nginx.stop();
      await entry.app.stop();
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const out = ["", "| backend CPU per request (median of rounds) | µs | req/s | rounds (µs) |", "|---|---:|---:|---|"];
  for (const entry of live) out.push(`| ${entry.label} | ${median(entry.cpu).toFixed(1)} | ${Math.round(median(entry.rps))} | ${entry.cpu.map((v) => v.toFixed(0)).join(" ")} |`);
  const [tsgi, node] = live;
  out.push("", `node:http CPU / tsgi FastCGI CPU per request = ${(median(node.cpu) / median(tsgi.cpu)).toFixed(2)} (above 1: tsgi uses less)`);
  process.stdout.write(out.join("\n") + "\n");
}

if (!flags["no-cpu"]) {
  try {
    await cpuPerRequest();
  } catch (error) {
    process.stdout.write(`\nCPU per request: not measured (${String(error?.message ?? error).split("\n")[0]})\n`);
  }
}
if (flags.json) process.stdout.write(JSON.stringify({ settings, results }, null, 2) + "\n");
