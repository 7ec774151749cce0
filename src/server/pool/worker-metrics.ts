/**
 * `--metrics-path` in a pool worker: the worker counts its own requests in its own registry (sent to the
 * master with each heartbeat); a scrape sends its counts now, gets the pool-wide merge back from the master,
 * and adds the listening socket's accept queue read from the kernel.
 * @module
 */
import { readFile } from "node:fs/promises";
import type { App } from "../../contract.js";
import { metrics } from "../../metrics/metrics.js";
import { MetricsRegistry, type MetricsSnapshot } from "../../metrics/registry.js";

/** A worker's metrics: the wrapped app, and its own counts for the heartbeat. */
export interface WorkerMetrics {
  readonly app: App;
  snapshot(): MetricsSnapshot;
}

/**
 * Wraps `app` so `path` answers the pool's metrics: `pool(own)` returns the master's merge given this
 * worker's counts now; `port()` is the TCP port the pool listens on, for the queue length (none off TCP).
 *
 * @example
 * ```ts
 * const counted = withPoolMetrics(app, "/metrics", askMaster, () => server?.port);
 * send({ tsgi: "beat", ..., metrics: counted.snapshot() });
 * ```
 */
export function withPoolMetrics(app: App, path: string, pool: (own: MetricsSnapshot) => Promise<MetricsSnapshot>, port: () => number | undefined): WorkerMetrics {
  const registry = new MetricsRegistry();
  const collect = async (): Promise<MetricsSnapshot> => {
    const [merged, queue] = await Promise.all([pool(registry.snapshot()), listenBacklog(port())]);
    return queue === undefined ? merged : { ...merged, queueLength: queue };
  };
  return { app: metrics({ path, registry, collect })(app), snapshot: () => registry.snapshot() };
}

const LISTEN = "0A";

/**
 * Connections waiting in the kernel's accept queue of the TCP sockets listening on `port`, from Linux's
 * /proc/net/tcp and tcp6 (a listening socket's `rx_queue` is its accept backlog); undefined where those
 * files do not exist or nothing listens on the port.
 *
 * @example
 * ```ts
 * await listenBacklog(8000); // 0 on an idle server
 * ```
 */
export async function listenBacklog(port: number | undefined, files: readonly string[] = ["/proc/net/tcp", "/proc/net/tcp6"]): Promise<number | undefined> {
  if (port === undefined || port === 0) return undefined;
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  let found = false;
  let total = 0;
  for (const file of files) {
    const text = await readFile(file, "latin1").catch(() => "");
    for (const line of text.split("\n")) {
      // sl local_address rem_address st tx_queue:rx_queue ...
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== LISTEN || fields[1]?.endsWith(suffix) !== true) continue;
      const rx = Number.parseInt(fields[4]?.split(":")[1] ?? "", 16);
      if (Number.isNaN(rx)) continue;
      found = true;
      total += rx;
    }
  }
  return found ? total : undefined;
}
