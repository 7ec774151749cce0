// The framework over HTTP against its peers, in one run: a 100-route app (50 static, 50 with an :id
// param) requested at its last-registered param route, `GET /api/v1/resource99/42`, by wrk on
// loopback. Peers: raw node:http (hand-written Map dispatch, the ceiling), fastify, hono
// (@hono/node-server), express, koa; tsgi is the framework served by `serveHttp` from dist/
// (npm run build first). Rounds are interleaved so drift on a shared machine hits every row alike.
//
//   node bench/framework-http.mjs [--rounds 3] [--seconds 3] [--warmup 1] [--connections 50] [--json]
//
// A thin wrapper: the rows, servers and measurement are `npm run bench`'s (bench/scenarios/http.mjs,
// group http-routes100), so the two always measure the same thing. Server and wrk are pinned to
// different cores when taskset is available (bench/lib/cpu.mjs).
import { parseArgs } from "node:util";
import { pinSelf } from "./lib/cpu.mjs";
import { runGroup } from "./lib/group.mjs";
import { haveWrk } from "./lib/wrk.mjs";
import { groups, HTTP_PEERS } from "./scenarios/http.mjs";
import { APPS } from "./scenarios/apps/routes.mjs";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "50" },
    json: { type: "boolean", default: false },
  },
});
const settings = { rounds: Number(flags.rounds), seconds: Number(flags.seconds), warmup: Number(flags.warmup), connections: Number(flags.connections) };
if (![settings.rounds, settings.seconds, settings.connections].every((n) => Number.isInteger(n) && n > 0)) {
  process.stderr.write("framework-http: --rounds, --seconds and --connections must be positive integers\n");
  process.exit(2);
}
if (!haveWrk) {
  process.stderr.write("framework-http: wrk is not installed (apt-get install wrk)\n");
  process.exit(2);
}

const LABELS = {
  "node-http": "raw node:http (Map dispatch)",
  "tsgi-framework": "tsgi framework (serveHttp)",
  "tsgi-bare": "bare tsgi app (serveHttp)",
  fastify: "fastify",
  hono: "hono (@hono/node-server)",
  express: "express",
  koa: "koa (Map dispatch)",
};
const app = "routes100";
const { path } = APPS[app];
pinSelf();
const group = (await groups({ ...settings, httpPeers: { [app]: HTTP_PEERS } })).find((candidate) => candidate.id === `http-${app}`);
const bar = { start: (label) => process.stderr.write(`${label}\n`), done() {}, skip() {} };
const { rows: measured } = await runGroup(group, { rounds: settings.rounds, bar });
const rows = Object.keys(LABELS).map((id) => {
  const row = measured.find((candidate) => candidate.id === id);
  return { id, label: LABELS[id], rps: row?.status === "ok" ? row.median : undefined, best: row?.status === "ok" ? row.value : undefined, cpuUs: row?.cpuUs, error: row?.status === "ok" ? undefined : String(row?.reason ?? "not measured").split("\n")[0] };
});
const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
if (flags.json) {
  process.stdout.write(JSON.stringify({ app, path, ...settings, rows }, null, 2) + "\n");
} else {
  const out = [`GET ${path} in a 100-route app; wrk -c${settings.connections}, ${settings.seconds}s x ${settings.rounds} interleaved rounds (median req/s)`, ""];
  out.push(`${"server".padEnd(32)} ${"req/s".padStart(9)}  vs fastify  vs node:http  CPU µs/req`);
  for (const row of rows) {
    if (row.rps === undefined) {
      out.push(`${row.label.padEnd(32)} not measured: ${row.error}`);
      continue;
    }
    const ratio = (other) => (other?.rps ? (row.rps / other.rps).toFixed(2).padStart(10) : "         -");
    out.push(`${row.label.padEnd(32)} ${Math.round(row.rps).toString().padStart(9)}  ${ratio(byId.fastify)}  ${ratio(byId["node-http"])}  ${row.cpuUs === undefined ? "" : row.cpuUs.toFixed(1).padStart(10)}`);
  }
  process.stdout.write(out.join("\n") + "\n");
}
