// How evenly does Linux spread connections over 2 workers? Compares node:cluster round-robin
// (the master accepts and hands sockets over IPC) with a listening socket shared by all workers
// (cluster SCHED_NONE, the same kernel mechanism as gunicorn's inherited fd), under wrk with
// keep-alive connections and with a new connection per request. Loopback only; each run is bounded.
//   node bench/pool-spread.mjs [seconds=5]
import cluster from "node:cluster";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";

const freePort = () => new Promise((resolve) => { const s = createNetServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

const WORKERS = 2;
const seconds = Number(process.argv[2] ?? 5);

if (cluster.isWorker) {
  let served = 0;
  const server = createServer((_req, res) => { served++; res.end("hello"); });
  server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send({ ready: true }));
  process.on("message", (msg) => { if (msg === "count") process.send({ served }); });
} else if (process.env.SPREAD_POLICY === undefined) {
  // The scheduling policy is fixed when the first worker forks: one primary per policy.
  const rows = [];
  for (const policy of ["rr", "none"]) {
    const run = spawnSync(process.execPath, [process.argv[1], String(seconds)], { encoding: "utf8", env: { ...process.env, SPREAD_POLICY: policy, NODE_CLUSTER_SCHED_POLICY: policy } });
    if (run.status !== 0) throw new Error(run.stderr);
    rows.push(...JSON.parse(run.stdout));
  }
  console.table(rows);
} else {
  const policy = process.env.SPREAD_POLICY;
  const rows = [];
  {
    for (const conn of ["keep-alive", "close"]) {
      const port = await freePort();
      const workers = [];
      for (let i = 0; i < WORKERS; i++) workers.push(cluster.fork({ PORT: String(port) }));
      await Promise.all(workers.map((w) => new Promise((r) => w.once("message", r))));
      const args = ["-t2", `-c${process.env.SPREAD_CONNS ?? 64}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`];
      if (conn === "close") args.splice(2, 0, "-H", "Connection: close");
      const { stdout: out } = await promisify(execFile)("wrk", args, { encoding: "utf8" });
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
      const counts = await Promise.all(workers.map((w) => new Promise((r) => { w.once("message", (m) => r(m.served)); w.send("count"); })));
      for (const w of workers) w.kill();
      await Promise.all(workers.map((w) => new Promise((r) => w.once("exit", r))));
      const total = counts.reduce((a, b) => a + b, 0);
      rows.push({ policy: policy === "rr" ? "cluster round-robin" : "shared socket (SCHED_NONE)", connections: conn, "req/s": Math.round(rps), "share per worker": counts.map((c) => `${((100 * c) / total).toFixed(1)}%`).join(" / ") });
    }
  }
  console.log(JSON.stringify(rows));
  // Cluster's primary stays alive on its own handles otherwise.
  process.exit(0);
}
