// tsgi FastCGI behind nginx against its peers, in one bounded run on loopback, wrk through ONE nginx
// (one worker): tsgi FastCGI with kept connections (fastcgi_keep_conn + upstream keepalive), raw
// node:http behind proxy_pass with upstream keepalive, and php-fpm serving a hello-world when it is
// installed. Prints req/s, latency and the ratio of each row to node:http.
//
//   node bench/fastcgi.mjs [--rounds N] [--seconds N] [--warmup N] [--connections N] [--json]
//
// Build first (npm run build): the tsgi row loads dist/, as users run it. The rows, nginx config and
// php-fpm pool come from bench/scenarios/nginx.mjs, so this agrees with `npm run bench`.
import { parseArgs } from "node:util";
import { machine } from "./lib/cpu.mjs";
import { runGroup } from "./lib/group.mjs";
import { haveWrk } from "./lib/wrk.mjs";
import { groups } from "./scenarios/nginx.mjs";

const ROWS = ["tsgi-fastcgi", "node-http", "php-fpm", "tsgi-scgi"];

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "4" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "50" },
    json: { type: "boolean", default: false },
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
const results = await runGroup(group, { rounds: settings.rounds, bar: quiet });

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
if (flags.json) process.stdout.write(JSON.stringify({ settings, results }, null, 2) + "\n");
