// One throughput measurement: start the servers, check the answer, warm up, run wrk while sampling
// the memory of the measured process tree, stop everything. Returns a result row.
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { placed } from "./cpu.mjs";
import { freePort, sampleRss, startProcess, treeCpuSeconds, treeRssKb } from "./proc.mjs";
import { runWrk } from "./wrk.mjs";

const SERVE = fileURLToPath(new URL("./serve.mjs", import.meta.url));

/** GET a URL on loopback: resolves { status, body }. */
export function get(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { body += chunk; });
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Starts `bench/lib/serve.mjs IMPL APP PORT PROTOCOL WORKERS` on the server core (`cores`: "server",
 * or "all", the default when workers > 1) and waits for its port. Resolves { pid, port, stop() }.
 */
export async function startNodeServer({ impl, app, protocol = "http", workers = 1, cores = workers > 1 ? "all" : "server" }) {
  const port = await freePort();
  const [command, args] = placed(cores, process.execPath, [SERVE, impl, app, String(port), protocol, String(workers)]);
  const env = { ...process.env, NODE_ENV: "production" };
  delete env.NODE_EXTRA_CA_CERTS;
  const server = await startProcess(command, args, { port, env, name: `${impl} (${protocol})` });
  return { ...server, port };
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A throughput row: `start()` starts what is measured and resolves { url, memoryPids, stop() } (the URL
 * wrk loads, the root pids whose process trees count for memory, a stop for all of it). `expect` is the
 * body the URL must answer with 200 before any load. The row's setup() returns a handle whose sample()
 * runs wrk once while sampling memory and the CPU time the measured processes spend per request; the
 * group runner interleaves samples of all rows.
 */
export function throughputRow({ id, label, tsgi = false, available, start, expect, settings }) {
  return {
    id,
    label,
    tsgi,
    available,
    async setup() {
      const running = await start();
      try {
        const check = await get(running.url);
        if (check.status !== 200 || (expect !== undefined && check.body.trim() !== expect)) {
          throw new Error(`wrong answer from ${running.url}: ${check.status} ${JSON.stringify(check.body.slice(0, 200))}, expected 200 ${JSON.stringify(expect)}`);
        }
        await pause(200);
      } catch (error) {
        await running.stop();
        throw error;
      }
      const idleKb = treeRssKb(running.memoryPids);
      return {
        idleKb,
        async warmup() { if (settings.warmup > 0) await runWrk(running.url, { seconds: settings.warmup, connections: settings.connections }); },
        async sample() {
          const sampler = sampleRss(running.memoryPids, 500);
          try {
            const cpuBefore = treeCpuSeconds(running.memoryPids);
            const report = await runWrk(running.url, { seconds: settings.seconds, connections: settings.connections });
            const cpuAfter = treeCpuSeconds(running.memoryPids);
            const cpuUs = cpuBefore === undefined || cpuAfter === undefined || report.requests === 0 ? undefined : ((cpuAfter - cpuBefore) * 1e6) / report.requests;
            return { value: report.rps, ...report, cpuUs, rss: { idleKb, loadKb: sampler.stop() } };
          } finally {
            sampler.stop();
          }
        },
        stop: running.stop,
      };
    },
  };
}
