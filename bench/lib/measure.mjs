// One throughput measurement: start the servers, check the answer, warm up, run wrk while sampling
// the memory of the measured process tree, stop everything. Returns a result row.
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { placed } from "./cpu.mjs";
import { othersCores, snapshot } from "./noise.mjs";
import { freePort, pidsCpuSeconds, processTree, sampleRss, startProcess, treeRssKb } from "./proc.mjs";
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
 * wrk loads, the root pids whose process trees count for memory and CPU, a stop for all of it).
 * `expect` is the body the URL must answer with 200 before any load. The row's setup() returns a
 * handle whose sample() runs wrk once (`connections` and `timeoutSec` override the run's settings)
 * and returns one round: req/s, latency, errors, the peak memory, and the CPU time the measured
 * processes spent per request, read from /proc right before wrk starts and right after it exits, so
 * the CPU window is the window whose requests wrk counts. The group runner interleaves the rows.
 */
export function throughputRow({ id, label, tsgi = false, available, start, expect, settings, connections, timeoutSec, baseline }) {
  const load = { connections: connections ?? settings.connections, ...(timeoutSec === undefined ? {} : { timeoutSec }) };
  return {
    id,
    label,
    tsgi,
    ...(baseline === undefined ? {} : { baseline }),
    ...(connections === undefined ? {} : { connections }),
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
        async warmup() { if (settings.warmup > 0) await runWrk(running.url, { seconds: settings.warmup, ...load }); },
        async sample() {
          // The tree is listed once per round (a pool forks its workers at start-up), so the readings
          // during the round touch only these pids' /proc files, not all of /proc.
          const pids = running.memoryPids.flatMap((pid) => processTree(pid));
          const sampler = sampleRss(pids, 500, { fixed: true });
          try {
            const machineBefore = snapshot();
            const cpuBefore = pidsCpuSeconds(pids);
            const report = await runWrk(running.url, { seconds: settings.seconds, ...load });
            const cpuAfter = pidsCpuSeconds(pids);
            const machineAfter = snapshot();
            return roundOf(report, { cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore, wallSeconds: (machineAfter.atMs - machineBefore.atMs) / 1000, othersCores: othersCores(machineBefore, machineAfter), loadKb: sampler.stop() });
          } finally {
            sampler.stop();
          }
        },
        stop: running.stop,
      };
    },
  };
}

/**
 * One round of a throughput row from wrk's report and the /proc readings around it: value is req/s;
 * cpuUs the server's CPU microseconds per request counted; serverCores how many cores the server kept
 * busy in that window (at most 1 for a server pinned to one core: more means the windows differ).
 */
export function roundOf(report, { cpuSeconds, wallSeconds, othersCores: others, loadKb }) {
  const cpuUs = cpuSeconds === undefined || report.requests === 0 ? undefined : (cpuSeconds * 1e6) / report.requests;
  const serverCores = cpuSeconds === undefined || !(wallSeconds > 0) ? undefined : cpuSeconds / wallSeconds;
  return {
    value: report.rps,
    requests: report.requests,
    latency: report.latency,
    errors: report.errors,
    timeouts: report.timeouts ?? 0,
    non2xx: report.non2xx,
    cpuUs,
    serverCores,
    othersCores: others,
    loadKb,
  };
}
