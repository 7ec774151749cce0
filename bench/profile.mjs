// Where a request's CPU time goes, in situ: two HTTP servers of the bench side by side under wrk, each
// profiled with Linux perf around the same alternating load windows, reported per request.
//
//   node bench/profile.mjs tsgi-bare node-http                   # hello-world, 4 rounds of 2 s each
//   node bench/profile.mjs tsgi-framework fastify --app param --rounds 6
//   node bench/profile.mjs tsgi-bare node-http --frame "JS:*handle " --frame "node-http.mjs"
//
// Both servers run at once on the server core (bench/lib/serve.mjs, node --perf-basic-prof so JIT frames
// have names), wrk on the others; the rounds alternate which goes first. For each round `perf record -g`
// samples the server's threads (cpu-clock, the software event, so it works in VMs without hardware
// counters) for exactly the wrk window. The report gives µs of CPU per request: the total, by binary
// (kernel, node, JIT code, libc), the symbols whose cost differs most between the two servers, and the
// inclusive time under each `--frame` (a substring of a stack frame, e.g. a request handler).
// Needs perf (linux-tools) and wrk; perf_event_paranoid ≤ 2 lets it profile its own children.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { placed } from "./lib/cpu.mjs";
import { findBinary, freePort, startProcess } from "./lib/proc.mjs";
import { APPS } from "./scenarios/apps/routes.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    app: { type: "string", default: "hello" },
    rounds: { type: "string", default: "4" },
    seconds: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    frame: { type: "string", multiple: true, default: [] },
    top: { type: "string", default: "30" },
    help: { type: "boolean", default: false },
  },
});
if (values.help || positionals.length !== 2) {
  process.stdout.write("usage: node bench/profile.mjs IMPL_A IMPL_B [--app hello|param|routes100] [--rounds N] [--seconds N] [--frame SUBSTRING]... [--top N]\n");
  process.exit(values.help ? 0 : 2);
}
const PERF = findBinary("perf");
const WRK = findBinary("wrk");
if (PERF === undefined || WRK === undefined) {
  process.stderr.write(`bench/profile.mjs needs ${PERF === undefined ? "perf (apt-get install linux-tools-generic, or linux-perf)" : "wrk (apt-get install wrk)"}\n`);
  process.exit(1);
}

const SAMPLE_HZ = 2000;
const dir = mkdtempSync(join(tmpdir(), "tsgi-profile-"));
const serve = new URL("./lib/serve.mjs", import.meta.url).pathname;
const path = APPS[values.app]?.path ?? "/";

async function start(impl) {
  const port = await freePort();
  const [command, args] = placed("server", process.execPath, ["--perf-basic-prof", serve, impl, values.app, String(port)]);
  const server = await startProcess(command, args, { port, env: { ...process.env, NODE_ENV: "production" }, name: impl });
  return { impl, url: `http://127.0.0.1:${port}${path}`, ...server, rounds: [] };
}

function load(url, seconds) {
  const [command, args] = placed("load", WRK, ["-t1", `-c${values.connections}`, `-d${seconds}s`, url]);
  const text = execFileSync(command, args).toString();
  return Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
}

async function profiled(server, round) {
  const file = join(dir, `${server.impl}-${round}.data`);
  const perf = spawn(PERF, ["record", "-e", "cpu-clock", "-F", String(SAMPLE_HZ), "-g", "-p", String(server.pid), "-o", file], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const requests = load(server.url, values.seconds);
  perf.kill("SIGINT");
  await new Promise((resolve) => perf.once("exit", resolve));
  server.rounds.push({ file, requests });
}

/** Samples per symbol (leaf frames) and per binary, and inclusive samples under each --frame. */
function tally(server) {
  const symbols = new Map();
  const binaries = new Map();
  const frames = new Map(values.frame.map((frame) => [frame, 0]));
  let samples = 0;
  let requests = 0;
  for (const { file, requests: count } of server.rounds) {
    requests += count;
    const text = execFileSync(PERF, ["script", "-i", file, "-F", "ip,sym,dso"], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] }).toString();
    for (const block of text.split("\n\n")) {
      const lines = block.trim().split("\n").map((line) => line.trim().replace(/^[0-9a-f]+\s+/, ""));
      if (lines[0] === "") continue;
      samples++;
      const leaf = /^(.*?)\s+\(([^)]*)\)$/.exec(lines[0]);
      const symbol = (leaf?.[1] ?? lines[0]).replace(/^JS:[*~^]/, "JS:");
      const binary = (leaf?.[2] ?? "?").replace(/^.*\//, "").replace(/^perf-\d+\.map$/, "[JIT]");
      symbols.set(symbol, (symbols.get(symbol) ?? 0) + 1);
      binaries.set(binary, (binaries.get(binary) ?? 0) + 1);
      for (const frame of frames.keys()) if (lines.some((line) => line.includes(frame))) frames.set(frame, frames.get(frame) + 1);
    }
  }
  const us = (count) => (count * 1e6) / SAMPLE_HZ / requests;
  return { us, samples, requests, symbols, binaries, frames };
}

function compare(a, b, mapOf, limit) {
  const names = new Set([...mapOf(a).keys(), ...mapOf(b).keys()]);
  const rows = [...names].map((name) => [name, a.us(mapOf(a).get(name) ?? 0), b.us(mapOf(b).get(name) ?? 0)]);
  rows.sort((x, y) => Math.abs(y[1] - y[2]) - Math.abs(x[1] - x[2]));
  for (const [name, x, y] of rows.slice(0, limit)) {
    process.stdout.write(`${(x - y).toFixed(3).padStart(8)} ${x.toFixed(3).padStart(8)} ${y.toFixed(3).padStart(8)}  ${name.slice(0, 120)}\n`);
  }
}

const servers = [];
try {
  for (const impl of positionals) servers.push(await start(impl));
  for (const server of servers) load(server.url, 2); // warm-up: JIT, connections
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) await profiled(server, round);
  }
  const [a, b] = servers.map(tally);
  const [nameA, nameB] = positionals;
  process.stdout.write(`CPU µs per request (perf cpu-clock, ${values.rounds} rounds of ${values.seconds} s, ${values.app}):\n`);
  process.stdout.write(`  ${nameA}: ${a.us(a.samples).toFixed(2)} (${a.requests} requests)   ${nameB}: ${b.us(b.samples).toFixed(2)} (${b.requests} requests)   ratio ${(a.us(a.samples) / b.us(b.samples)).toFixed(3)}\n\n`);
  process.stdout.write(`by binary: difference, ${nameA}, ${nameB} (µs/request)\n`);
  compare(a, b, (t) => t.binaries, 10);
  process.stdout.write(`\nby symbol (leaf frame), largest differences first\n`);
  compare(a, b, (t) => t.symbols, Number(values.top));
  if (values.frame.length > 0) {
    process.stdout.write(`\ninclusive under a frame (µs/request)\n`);
    for (const frame of values.frame) process.stdout.write(`  ${frame}: ${a.us(a.frames.get(frame)).toFixed(3)} ${nameA}, ${b.us(b.frames.get(frame)).toFixed(3)} ${nameB}\n`);
  }
} finally {
  for (const server of servers) await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
