#!/usr/bin/env node
// Two numbers in one run, loopback only, bounded in time (about 40 s):
//   1. requests/s of the tsgi HTTP server against raw node:http for the same hello world (wrk when
//      installed, else a keep-alive node:http client loop);
//   2. time per request of the sum example as CGI (examples/sum/cgi-bin/sum.cgi) against `node -e 0`,
//      both in a clean environment as a web server gives one (hyperfine when installed, else a timed loop).
// Usage: npm run build && node bench/http-cgi.mjs [--seconds 5] [--rounds 2]
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" }, rounds: { type: "string", default: "2" }, connections: { type: "string", default: "50" } } });
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);

function which(name) {
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}
const WRK = which("wrk");
const HYPERFINE = which("hyperfine");

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    }).on("error", fail);
  });
}

async function waitForPort(port, child) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await new Promise((done) => {
      const socket = connect(port, "127.0.0.1", () => { socket.destroy(); done(true); });
      socket.on("error", () => done(false));
    });
    if (ok) return;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const HELLO = `{ status: 200, headers: [["content-type", "text/plain"]], body: "hello world\\n" }`;
const SERVERS = {
  "node:http": (port) => `require("node:http").createServer((req, res) => { res.writeHead(200, { "content-type": "text/plain", "content-length": "12" }); res.end("hello world\\n"); }).listen(${port}, "127.0.0.1");`,
  "tsgi http": (port) => `import(${JSON.stringify(join(ROOT, "dist/server/http/index.js"))}).then(({ serveHttp }) => serveHttp(() => (${HELLO}), { bind: "127.0.0.1:${port}", log: { write() {} } }));`,
};

async function startServer(name) {
  const port = await freePort();
  const child = spawn(process.execPath, ["-e", SERVERS[name](port)], { stdio: ["ignore", "ignore", "inherit"] });
  await waitForPort(port, child);
  return { port, pid: child.pid, stop: () => { child.kill("SIGKILL"); } };
}

/** CPU time (user + system) a process has used, in ms; Linux only (undefined elsewhere). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (USER_HZ 100)
  } catch {
    return undefined;
  }
}

function runWrk(port) {
  const out = execFileSync(WRK, ["-t", "1", "-c", String(CONNECTIONS), "-d", `${SECONDS}s`, `http://127.0.0.1:${port}/`], { encoding: "utf8" });
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const total = /(\d+) requests in/.exec(out);
  if (match === null || total === null) throw new Error(`cannot read wrk output:\n${out}`);
  if (/Non-2xx|Socket errors/.test(out)) process.stderr.write(`wrk reported errors:\n${out}\n`);
  return { rps: Number(match[1]), requests: Number(total[1]) };
}

async function runNodeLoad(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const until = Date.now() + SECONDS * 1000;
  let done = 0;
  const started = Date.now();
  const one = () => new Promise((ok, fail) => {
    request({ host: "127.0.0.1", port, path: "/", agent }, (res) => { res.resume(); res.on("end", ok); }).on("error", fail).end();
  });
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() < until) { await one(); done++; }
  }));
  agent.destroy();
  return { rps: done / ((Date.now() - started) / 1000), requests: done };
}

async function httpRound(name) {
  const server = await startServer(name);
  try {
    // warm-up, then the measured run
    if (WRK) execFileSync(WRK, ["-t", "1", "-c", "10", "-d", "1s", `http://127.0.0.1:${server.port}/`], { stdio: "ignore" });
    const before = cpuMs(server.pid);
    const result = WRK ? runWrk(server.port) : await runNodeLoad(server.port);
    const after = cpuMs(server.pid);
    // CPU per request is steadier than requests/s on a busy machine: it does not count time spent waiting for a core.
    return { ...result, cpuUs: before === undefined || after === undefined ? undefined : ((after - before) * 1000) / result.requests };
  } finally {
    server.stop();
  }
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// --- CGI ------------------------------------------------------------------------------------------
const SUM_CGI = join(ROOT, "examples/sum/cgi-bin/sum.cgi");
const CLEAN_PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
const CGI_VARS = ["GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET", "SCRIPT_NAME=/cgi-bin/sum.cgi", "PATH_INFO=/sum", "QUERY_STRING=a=1&b=2", "SERVER_NAME=127.0.0.1", "SERVER_PORT=80", "SERVER_PROTOCOL=HTTP/1.1", "REMOTE_ADDR=127.0.0.1"];
const COMMANDS = {
  "node -e 0": ["env", "-i", `PATH=${CLEAN_PATH}`, process.execPath, "-e", "0"],
  "sum.cgi": ["env", "-i", `PATH=${CLEAN_PATH}`, ...CGI_VARS, SUM_CGI],
};

function checkSum() {
  const [command, ...args] = COMMANDS["sum.cgi"];
  const out = spawnSync(command, args, { encoding: "utf8" }).stdout;
  if (!out.startsWith("Status: 200 OK\r\n") || !out.endsWith("\r\n\r\n3")) throw new Error(`sum.cgi answered ${JSON.stringify(out)}`);
}

function cgiWithHyperfine() {
  const dir = mkdtempSync(join(tmpdir(), "tsgi-bench-"));
  try {
    const json = join(dir, "out.json");
    const quote = (parts) => parts.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
    execFileSync(HYPERFINE, ["-N", "--warmup", "5", "--runs", "60", "--export-json", json, "-n", "node -e 0", quote(COMMANDS["node -e 0"]), "-n", "sum.cgi", quote(COMMANDS["sum.cgi"])], { stdio: ["ignore", "ignore", "inherit"] });
    const results = JSON.parse(readFileSync(json, "utf8")).results;
    const cpu = Object.fromEntries(results.map((result) => [result.command, (result.user + result.system) * 1000]));
    return { ...Object.fromEntries(results.map((result) => [result.command, result.median * 1000])), cpu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cgiWithLoop() {
  const samples = { "node -e 0": [], "sum.cgi": [] };
  for (let i = 0; i < 65; i++) {
    for (const [name, [command, ...args]] of Object.entries(COMMANDS)) {
      const started = process.hrtime.bigint();
      spawnSync(command, args, { stdio: "ignore" });
      if (i >= 5) samples[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return { "node -e 0": median(samples["node -e 0"]), "sum.cgi": median(samples["sum.cgi"]) };
}

// --- run --------------------------------------------------------------------------------------------
if (!existsSync(join(ROOT, "dist/server/http/index.js"))) {
  console.error("bench/http-cgi.mjs measures the compiled server: run npm run build first");
  process.exit(1);
}
console.log(`HTTP hello world, ${CONNECTIONS} connections, ${SECONDS} s x ${ROUNDS} rounds (interleaved), load by ${WRK ? "wrk" : "a node:http keep-alive loop (install wrk for better numbers)"}`);
const rounds = { "node:http": [], "tsgi http": [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(rounds)) rounds[name].push(await httpRound(name));
}
const summary = {};
for (const [name, results] of Object.entries(rounds)) {
  const cpu = results.map((r) => r.cpuUs).filter((v) => v !== undefined);
  summary[name] = { rps: median(results.map((r) => r.rps)), cpuUs: cpu.length > 0 ? median(cpu) : undefined };
  const cpuText = summary[name].cpuUs === undefined ? "" : `   ${summary[name].cpuUs.toFixed(1)} us CPU/request`;
  console.log(`  ${name.padEnd(14)} ${summary[name].rps.toFixed(0).padStart(8)} req/s${cpuText}   (rounds: ${results.map((r) => r.rps.toFixed(0)).join(", ")})`);
}
console.log(`  ratio tsgi / node:http = ${(summary["tsgi http"].rps / summary["node:http"].rps).toFixed(2)} in requests/s`
  + (summary["tsgi http"].cpuUs === undefined ? "" : `, ${(summary["node:http"].cpuUs / summary["tsgi http"].cpuUs).toFixed(2)} in requests per CPU second`));

checkSum();
console.log(`\nCGI per request, clean environment (env -i PATH=...), median, by ${HYPERFINE ? "hyperfine (60 runs)" : "a timed loop (60 runs)"}`);
const cgi = HYPERFINE ? cgiWithHyperfine() : cgiWithLoop();
for (const name of ["node -e 0", "sum.cgi"]) {
  console.log(`  ${name.padEnd(14)} ${cgi[name].toFixed(1).padStart(8)} ms${cgi.cpu === undefined ? "" : `   ${cgi.cpu[name].toFixed(1)} ms CPU (user + system)`}`);
}
console.log(`  ratio sum.cgi / node -e 0 = ${(cgi["sum.cgi"] / cgi["node -e 0"]).toFixed(2)} in wall time`
  + (cgi.cpu === undefined ? "" : `, ${(cgi.cpu["sum.cgi"] / cgi.cpu["node -e 0"]).toFixed(2)} in CPU time`) + "  (target <= 1.5)");
