// The framework over HTTP against its peers, in one run: a 100-route app (50 static, 50 with an :id
// param) requested at its last-registered param route, `GET /api/v1/resource99/42`, by wrk on
// loopback. Peers: raw node:http (hand-written Map dispatch, the ceiling), fastify, hono
// (@hono/node-server), express, koa; tsgi is the framework served by `serveHttp` from dist/
// (npm run build first). Rounds are interleaved so drift on a shared machine hits every row alike.
//
//   node bench/framework-http.mjs [--rounds 3] [--seconds 3] [--connections 50] [--json]
//
// Server and wrk are pinned to different cores when taskset is available (bench/lib/cpu.mjs).
import { parseArgs } from "node:util";
import { APPS } from "./scenarios/apps/routes.mjs";
import { get, startNodeServer } from "./lib/measure.mjs";
import { haveWrk, runWrk } from "./lib/wrk.mjs";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "50" },
    json: { type: "boolean", default: false },
  },
});
const rounds = Number(flags.rounds);
const seconds = Number(flags.seconds);
const warmup = Number(flags.warmup);
const connections = Number(flags.connections);
if (![rounds, seconds, connections].every((n) => Number.isInteger(n) && n > 0)) {
  process.stderr.write("framework-http: --rounds, --seconds and --connections must be positive integers\n");
  process.exit(2);
}
if (!haveWrk) {
  process.stderr.write("framework-http: wrk is not installed (apt-get install wrk)\n");
  process.exit(2);
}

const IMPLS = [
  { id: "node-http", label: "raw node:http (Map dispatch)" },
  { id: "tsgi-framework", label: "tsgi framework (serveHttp)" },
  { id: "tsgi-bare", label: "bare tsgi app (serveHttp)" },
  { id: "fastify", label: "fastify" },
  { id: "hono", label: "hono (@hono/node-server)" },
  { id: "express", label: "express" },
  { id: "koa", label: "koa (Map dispatch)" },
];
const app = "routes100";
const { path, body } = APPS[app];
const samples = new Map(IMPLS.map((impl) => [impl.id, []]));
const failures = new Map();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

for (let round = 1; round <= rounds; round++) {
  for (const impl of IMPLS) {
    if (failures.has(impl.id)) continue;
    process.stderr.write(`round ${round}/${rounds}: ${impl.label}\n`);
    let server;
    try {
      server = await startNodeServer({ impl: impl.id, app });
      const url = `http://127.0.0.1:${server.port}${path}`;
      const check = await get(url);
      if (check.status !== 200 || check.body.trim() !== body) throw new Error(`wrong answer ${check.status} ${JSON.stringify(check.body.slice(0, 100))}`);
      if (warmup > 0) await runWrk(url, { seconds: warmup, connections });
      const report = await runWrk(url, { seconds, connections });
      if (report.errors > 0 || report.non2xx > 0) throw new Error(`${report.errors} socket errors, ${report.non2xx} non-2xx answers`);
      samples.get(impl.id).push(report.rps);
    } catch (error) {
      failures.set(impl.id, error.message.split("\n")[0]);
    } finally {
      await server?.stop();
    }
  }
}

const rows = IMPLS.map((impl) => ({ ...impl, rps: samples.get(impl.id).length > 0 ? median(samples.get(impl.id)) : undefined, error: failures.get(impl.id) }));
const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
if (flags.json) {
  process.stdout.write(JSON.stringify({ app, path, rounds, seconds, connections, rows }, null, 2) + "\n");
} else {
  const out = [`GET ${path} in a 100-route app; wrk -c${connections}, ${seconds}s x ${rounds} interleaved rounds (median req/s)`, ""];
  out.push(`${"server".padEnd(32)} ${"req/s".padStart(9)}  vs fastify  vs node:http`);
  for (const row of rows) {
    if (row.rps === undefined) {
      out.push(`${row.label.padEnd(32)} not measured: ${row.error}`);
      continue;
    }
    const ratio = (other) => (other?.rps ? (row.rps / other.rps).toFixed(2).padStart(10) : "         -");
    out.push(`${row.label.padEnd(32)} ${Math.round(row.rps).toString().padStart(9)}  ${ratio(byId.fastify)}  ${ratio(byId["node-http"])}`);
  }
  process.stdout.write(out.join("\n") + "\n");
}
