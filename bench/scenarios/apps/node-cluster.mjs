// Raw node:cluster: N workers of the raw node:http server, the baseline for the tsgi pool.
import cluster from "node:cluster";
import { createServer } from "node:http";
import { createHandler } from "./node-http.mjs";

export const label = "node:cluster (raw)";

export function available() { return undefined; }

export async function start({ app, port, workers = 2 }) {
  if (cluster.isPrimary) {
    cluster.setupPrimary({ args: process.argv.slice(2) });
    for (let i = 0; i < workers; i++) cluster.fork();
    process.once("SIGTERM", () => { for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(); process.exit(0); });
    return;
  }
  const server = createServer({ keepAliveTimeout: 60_000 }, createHandler(app));
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
}
