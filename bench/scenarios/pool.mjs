// Pre-fork pools, tsgi's pool beside raw node:cluster, in two groups:
// - scale: hello-world on 1, 2, ... workers (up to the cores or --workers), throughput and p99 against
//   the number of workers;
// - overload: far more connections than the workers can serve at once (--overload-connections), to
//   show whether latency stays bounded and whether any request fails.
// Every process may use every core here (a pool exists to use them), so wrk shares the cores.
import { availableParallelism } from "node:os";
import { startNodeServer, throughputRow } from "../lib/measure.mjs";
import { APPS } from "./apps/routes.mjs";

const IMPLS = [
  { impl: "tsgi-pool", label: "tsgi pool", tsgi: true },
  { impl: "node-cluster", label: "node:cluster", tsgi: false },
];

/** Worker counts of the scale group: 1, 2, ... up to `max`. */
export function workerCounts(max) {
  return Array.from({ length: Math.max(1, max) }, (_, i) => i + 1);
}

const plural = (n) => `${n} worker${n === 1 ? "" : "s"}`;

function poolRow({ impl, label, tsgi }, { id, workers, settings, connections, timeoutSec, baseline, suffix = "" }) {
  return throughputRow({
    id,
    label: `${label}, ${plural(workers)}${suffix}`,
    tsgi,
    baseline,
    connections,
    timeoutSec,
    available: async () => (await import(`./apps/${impl}.mjs`)).available({ protocol: "http" }),
    start: async () => {
      const server = await startNodeServer({ impl, app: "hello", workers, cores: "all" });
      return { url: `http://127.0.0.1:${server.port}${APPS.hello.path}`, memoryPids: [server.pid], stop: server.stop };
    },
    expect: APPS.hello.body,
    settings,
  });
}

/** The groups of this family. */
export async function groups(settings) {
  const max = settings.workers ?? availableParallelism();
  const counts = workerCounts(max);
  const scale = [];
  for (const workers of counts) {
    for (const entry of IMPLS) {
      scale.push(poolRow(entry, { id: `${entry.impl}-${workers}`, workers, settings, baseline: `${entry.impl}-1` }));
    }
  }
  const connections = settings.overloadConnections;
  const overload = IMPLS.map((entry) => poolRow(entry, { id: entry.impl, workers: max, settings, connections, timeoutSec: settings.overloadTimeout, suffix: `, ${connections} connections` }));
  return [
    {
      id: "pool-scale",
      family: "pool",
      title: `Pool scaling: hello-world on ${counts.map(String).join(", ")} workers`,
      note: "Throughput and p99 latency against the number of workers; the ratio column is each server against itself on 1 worker (2.00× = perfect scaling). No pinning in this group: the servers and wrk share every core, so on a 2-core machine wrk takes part of the second core. Memory counts the master and all workers.",
      unit: "req/s",
      higherIsBetter: true,
      baseline: "per-row",
      baselineLabel: "vs 1 worker",
      charts: ["p99"],
      rows: scale,
    },
    {
      id: "pool-overload",
      family: "pool",
      title: `Past saturation: ${connections} connections on ${plural(max)}`,
      note: `${connections} keep-alive connections against ${plural(max)}, far more than the workers serve at once: each request waits its turn, so latency grows with the queue (about connections ÷ req/s). Bounded means every request is answered within wrk's ${settings.overloadTimeout} s timeout: the socket errors, timeouts and non-2xx answers of all rounds are counted next to req/s, and max ms is the slowest request of any round.`,
      unit: "req/s",
      higherIsBetter: true,
      baseline: "node-cluster",
      overload: true,
      charts: ["p99"],
      rows: overload,
    },
  ];
}
