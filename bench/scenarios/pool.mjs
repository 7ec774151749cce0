// Pre-fork pools: the tsgi pool of N workers against raw node:cluster with N workers, and one process
// of each for scale. Every process may use every core here (a pool exists to use them), so wrk shares
// the cores with the servers.
import { startNodeServer, throughputRow } from "../lib/measure.mjs";
import { APPS } from "./apps/routes.mjs";

/** The groups of this family. */
export async function groups(settings) {
  const workers = settings.workers;
  const rows = [
    { id: "tsgi-pool", impl: "tsgi-pool", label: `tsgi pool, ${workers} workers`, workers },
    { id: "node-cluster", impl: "node-cluster", label: `node:cluster, ${workers} workers`, workers },
    { id: "tsgi-http", impl: "tsgi-bare", label: "tsgi HTTP, 1 process", workers: 1 },
    { id: "node-http", impl: "node-http", label: "node:http, 1 process", workers: 1 },
  ];
  return [{
    id: "pool-hello",
    family: "pool",
    title: `Pool: hello-world on ${workers} workers`,
    note: "No pinning in this group: the servers and wrk share every core. Memory counts the master and all workers.",
    unit: "req/s",
    higherIsBetter: true,
    baseline: "node-cluster",
    rows: rows.map((row) => throughputRow({
      id: row.id,
      label: row.label,
      tsgi: row.id.startsWith("tsgi"),
      available: async () => (await import(`./apps/${row.impl}.mjs`)).available({ protocol: "http" }),
      start: async () => {
        const server = await startNodeServer({ impl: row.impl, app: "hello", workers: row.workers, cores: "all" });
        return { url: `http://127.0.0.1:${server.port}${APPS.hello.path}`, memoryPids: [server.pid], stop: server.stop };
      },
      expect: APPS.hello.body,
      settings,
    })),
  }];
}
