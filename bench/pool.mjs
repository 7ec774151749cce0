// The tsgi pool (2 workers) against raw node:cluster (2 workers) for the same hello world, in one run.
//   node bench/pool.mjs [--seconds 8] [--rounds 2] [--connections 64] [--dist] [--only raw-tsgi,tsgi-pool]
// Three servers, each measured with wrk on 127.0.0.1 in alternating rounds (bounded by --seconds):
//   raw-http     node:cluster + node:http answering "Hello, World!"      (the baseline)
//   raw-tsgi     node:cluster + tsgi's serveHttp running the same app     (the pool minus its machinery)
//   tsgi-pool    servePool({ workers: 2 }) running bench/pool-hello.mjs    (what `tsgi serve --workers 2` runs)
// By default the pool runs from source through tsx; --dist runs the built dist/ (npm run build first).
import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import cluster from "node:cluster";
import { createServer } from "node:http";
import { createServer as createNetServer, connect } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf(`--${name}`); return i === -1 ? fallback : Number(args[i + 1]); };
const seconds = flag("seconds", 8);
const rounds = flag("rounds", 2);
const connections = flag("connections", 64);
const dist = args.includes("--dist");
const loader = dist ? [] : ["--import", "tsx", "--conditions=tsgi-source"];

if (cluster.isWorker) {
  const port = Number(process.env.BENCH_PORT);
  if (process.env.BENCH_KIND === "raw-http") {
    createServer((_req, res) => { res.writeHead(200, { "content-type": "text/plain", "content-length": "13" }); res.end("Hello, World!"); }).listen(port, "127.0.0.1");
  } else {
    const { serveHttp } = await import("tsgi/http");
    const { default: app } = await import("./pool-hello.mjs");
    await serveHttp(app, { bind: `127.0.0.1:${port}`, multiprocess: true });
  }
} else if (process.env.BENCH_KIND !== undefined) {
  cluster.setupPrimary({ execArgv: [...process.execArgv] });
  for (let i = 0; i < 2; i++) cluster.fork();
} else {
  const freePort = () => new Promise((resolve) => { const s = createNetServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
  const listening = (port) => new Promise((resolve) => { const s = connect(port, "127.0.0.1"); s.once("connect", () => { s.destroy(); resolve(true); }); s.once("error", () => resolve(false)); });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function start(kind, port) {
    const env = { ...process.env, BENCH_KIND: kind, BENCH_PORT: String(port) };
    const child = kind === "tsgi-pool"
      ? spawn(process.execPath, [...loader, "--input-type=module", "-e",
        `const { servePool } = await import("tsgi/pool"); await servePool({ spec: "bench/pool-hello.mjs", workers: 2, bind: "127.0.0.1:${port}", controlSocket: false, log: { write() {} } });`], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] })
      : spawn(process.execPath, [...loader, fileURLToPath(import.meta.url)], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
    for (let i = 0; i < 200 && !(await listening(port)); i++) await sleep(50);
    await sleep(kind === "tsgi-pool" ? 1500 : 500); // every worker ready, not only the first
    return child;
  }

  // CPU seconds used so far by a process and its descendants (utime + stime from /proc): on a busy
  // machine CPU per request is a steadier measure than requests per second.
  function treeCpuSeconds(root) {
    const stats = new Map();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const fields = readFileSync(`/proc/${name}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
        stats.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
      } catch { /* gone */ }
    }
    let ticks = 0;
    const queue = [root];
    while (queue.length > 0) {
      const pid = queue.pop();
      ticks += stats.get(pid)?.ticks ?? 0;
      for (const [child, stat] of stats) if (stat.ppid === pid) queue.push(child);
    }
    return ticks / 100;
  }

  async function measure(kind) {
    const port = await freePort();
    const child = await start(kind, port);
    try {
      await promisify(execFile)("wrk", ["-t1", "-c16", "-d1s", `http://127.0.0.1:${port}/`]); // warm-up
      const cpuBefore = treeCpuSeconds(child.pid);
      const { stdout } = await promisify(execFile)("wrk", ["-t2", `-c${connections}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`], { timeout: (seconds + 30) * 1000 });
      const cpu = treeCpuSeconds(child.pid) - cpuBefore;
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
      const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN);
      cpuPerRequest[kind].push((cpu * 1e6) / requests);
      const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(stdout)?.[0];
      if (errors !== undefined) console.error(`${kind}: ${errors}`);
      return rps;
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => { if (child.exitCode !== null) resolve(); else child.once("exit", resolve); setTimeout(() => { child.kill("SIGKILL"); resolve(); }, 5000); });
    }
  }

  const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : undefined;
  const kinds = ["raw-http", "raw-tsgi", "tsgi-pool"].filter((kind) => only === undefined || only.includes(kind));
  const results = Object.fromEntries(kinds.map((kind) => [kind, []]));
  const cpuPerRequest = Object.fromEntries(kinds.map((kind) => [kind, []]));
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (let round = 0; round < rounds; round++) {
    for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) results[kind].push(await measure(kind));
  }
  const best = Object.fromEntries(kinds.map((kind) => [kind, Math.max(...results[kind])]));
  const cpu = Object.fromEntries(kinds.map((kind) => [kind, median(cpuPerRequest[kind])]));
  console.table(kinds.map((kind) => ({ server: kind, "req/s (best)": Math.round(best[kind]), rounds: results[kind].map(Math.round).join(" / "), "CPU µs/request (median)": cpu[kind].toFixed(1) })));
  if (best["raw-http"] !== undefined && best["tsgi-pool"] !== undefined) console.log(`tsgi-pool / raw-http cluster: ${(best["tsgi-pool"] / best["raw-http"]).toFixed(3)}x (target >= 0.95)`);
  if (best["raw-tsgi"] !== undefined && best["tsgi-pool"] !== undefined) console.log(`tsgi-pool / raw-tsgi cluster: ${(best["tsgi-pool"] / best["raw-tsgi"]).toFixed(3)}x (the pool's own cost)`);
  if (cpu["raw-http"] !== undefined && cpu["tsgi-pool"] !== undefined) console.log(`CPU per request, raw-http cluster / tsgi-pool: ${(cpu["raw-http"] / cpu["tsgi-pool"]).toFixed(3)}x (1.0 = as cheap; steadier than req/s on a busy machine)`);
  if (cpu["raw-tsgi"] !== undefined && cpu["tsgi-pool"] !== undefined) console.log(`CPU per request, raw-tsgi cluster / tsgi-pool: ${(cpu["raw-tsgi"] / cpu["tsgi-pool"]).toFixed(3)}x`);
  console.log(`${2} workers each, wrk -t2 -c${connections} -d${seconds}s on 127.0.0.1, ${rounds} rounds, pool from ${dist ? "dist" : "source (tsx)"}`);
}
