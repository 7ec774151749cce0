/**
 * A pool worker's entry point (the master forks it with node:cluster). It loads the app, awaits the
 * startup hook, starts the server on the shared listener, reports ready, beats, and on `stop` drains,
 * runs the shutdown hook and exits. Signals and IPC messages only queue; one loop dispatches them.
 * @module
 */
import type { App, Service } from "../../contract.js";
import type { MetricsSnapshot } from "../../metrics/registry.js";
import { streamSink } from "../../gateway/log.js";
import { isPlainError } from "../errors.js";
import { loadService } from "../load.js";
import { startSocketServer } from "../registry.js";
import type { RunningServer } from "../types.js";
import { WORKER_CONFIG_ENV, type WorkerConfig } from "./options.js";
import { isMasterMessage, type MasterMessage, type WorkerMessage } from "./protocol.js";
import { watchParent } from "./orphan-watch.js";
import { EventQueue } from "./queue.js";
import type { PoolStatus } from "./status.js";
import { PendingRequests, withStatusPath, withTimeout } from "./worker-app.js";

type WorkerEvent = MasterMessage | { tsgi: "quit" } | { tsgi: "master-gone" } | { tsgi: "sigterm" };

/** After a second SIGTERM, how long the stop may take before the worker exits anyway (as `tsgi serve`). */
const FORCE_MS = 5000;

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

function describeError(error: unknown): string {
  if (isPlainError(error)) return error.message;
  return error instanceof Error ? error.stack ?? error.message : String(error);
}

async function main(config: WorkerConfig): Promise<void> {
  const log = streamSink(process.stderr);
  const label = `tsgi pool: worker ${config.id} (pid ${process.pid})`;
  let server: RunningServer | undefined;
  let service: Service | undefined;
  let stopping: Promise<void> | undefined;
  const timers: { beat?: NodeJS.Timeout } = {};
  let recycleAsked = false;
  let nextStatusId = 1;
  const statusWaiters = new Map<number, (status: PoolStatus) => void>();
  const metricsWaiters = new Map<number, (snapshot: MetricsSnapshot) => void>();
  let ownMetrics: (() => MetricsSnapshot) | undefined;
  const pending = new PendingRequests();
  let startupRan = false;

  const exit = (code: number): void => {
    clearInterval(timers.beat);
    process.exit(code);
  };

  let ackClosing: (() => void) | undefined;
  const closingBarrier = (): Promise<void> => new Promise((resolve) => {
    if (!process.connected) return resolve();
    const timer = setTimeout(resolve, 2000);
    ackClosing = () => { clearTimeout(timer); resolve(); };
    send({ tsgi: "closing" });
  });

  let ackCounts: (() => void) | undefined;
  const finalCounts = (): Promise<void> => new Promise((resolve) => {
    if (ownMetrics === undefined || !process.connected) return resolve();
    const timer = setTimeout(resolve, 1000);
    ackCounts = () => { clearTimeout(timer); resolve(); };
    send({ tsgi: "counts", snapshot: ownMetrics() });
  });

  const stop = (graceMs: number): Promise<void> => {
    stopping ??= (async () => {
      try {
        const closed = server?.close({ graceMs });
        await Promise.all([closed, server === undefined ? undefined : closingBarrier()]);
        await finalCounts();
      } finally {
        try {
          if (startupRan) await service?.shutdown?.();
        } catch (error) {
          log.write(`${label}: the shutdown hook failed: ${describeError(error)}`);
        }
      }
    })().then(() => exit(0), (error: unknown) => {
      log.write(`${label}: stopping failed: ${describeError(error)}`);
      exit(1);
    });
    return stopping;
  };

  const queue = new EventQueue<WorkerEvent>((event) => {
    switch (event.tsgi) {
      case "stop": void stop(event.graceMs); return;
      case "sigterm":
        // Like tsgi serve: the first drains, the second cuts the grace short, and a stop still hanging after that is given up on.
        if (stopping === undefined) { void stop(Number(config.serverOptions.graceMs ?? 30_000)); return; }
        // Still booting: the stop under way has nothing to wait for (the master signals a booting worker besides telling it).
        if (server === undefined) return;
        log.write(`${label}: SIGTERM again: stopping now`);
        server.close({ graceMs: 0 }).catch(() => undefined);
        setTimeout(() => { log.write(`${label}: still not stopped ${FORCE_MS} ms after the second SIGTERM; exiting`); exit(1); }, FORCE_MS).unref();
        return;
      case "status": statusWaiters.get(event.requestId)?.(event.status); statusWaiters.delete(event.requestId); return;
      case "metrics": metricsWaiters.get(event.requestId)?.(event.snapshot); metricsWaiters.delete(event.requestId); return;
      case "closing-ack": ackClosing?.(); return;
      case "counts-ack": ackCounts?.(); return;
      case "quit": exit(0); return;
      case "master-gone": log.write(`${label}: the master is gone; exiting`); void stop(1000); return;
    }
  });
  process.on("message", (message: unknown) => { if (isMasterMessage(message)) queue.post(message); });
  // The terminal sends SIGINT/SIGHUP/SIGTTIN/SIGTTOU to the whole process group: the master decides.
  for (const signal of ["SIGINT", "SIGHUP", "SIGTTIN", "SIGTTOU"] as const) process.on(signal, () => undefined);
  process.on("SIGTERM", () => queue.post({ tsgi: "sigterm" }));
  process.on("SIGQUIT", () => queue.post({ tsgi: "quit" }));

  const fetchStatus = (): Promise<PoolStatus> => new Promise((resolve, reject) => {
    const requestId = nextStatusId++;
    const timer = setTimeout(() => { statusWaiters.delete(requestId); reject(new Error("the pool master did not answer the status request")); }, 2000);
    statusWaiters.set(requestId, (status) => { clearTimeout(timer); resolve(status); });
    send({ tsgi: "status?", requestId });
  });

  const fetchMetrics = (own: MetricsSnapshot): Promise<MetricsSnapshot> => new Promise((resolve, reject) => {
    const requestId = nextStatusId++;
    const timer = setTimeout(() => { metricsWaiters.delete(requestId); reject(new Error("the pool master did not answer the metrics request")); }, 2000);
    metricsWaiters.set(requestId, (snapshot) => { clearTimeout(timer); resolve(snapshot); });
    send({ tsgi: "metrics?", requestId, snapshot: own });
  });

  watchParent(process.ppid);
  try {
    service = (await loadService(config.spec, { cwd: config.cwd, development: config.serverOptions.development === true })).service;
    await service.startup?.();
    startupRan = true;
    let app: App = service.app;
    if (config.accessLog !== undefined) app = (await import("../../cli/access-log.js")).accessLogged(app, config.accessLog).app;
    if (config.timeoutMs !== undefined) app = withTimeout(app, config.timeoutMs, pending);
    if (config.metricsPath !== undefined) {
      const counted = (await import("./worker-metrics.js")).withPoolMetrics(app, config.metricsPath, fetchMetrics, () => server?.port);
      app = counted.app;
      ownMetrics = () => counted.snapshot();
    }
    if (config.statusPath !== undefined) app = withStatusPath(app, config.statusPath, fetchStatus);
    server = await startSocketServer(config.server, app, { ...config.serverOptions, bind: config.bind, multiprocess: true, log });
  } catch (error) {
    send({ tsgi: "boot-failed", error: describeError(error) });
    if (startupRan) await Promise.resolve(service?.shutdown?.()).catch(() => undefined);
    process.exitCode = 3;
    process.disconnect?.();
    return;
  }
  if (stopping !== undefined) return;
  send({ tsgi: "ready" });
  const running = server;
  const ceiling = config.maxMemoryBytes;
  timers.beat = setInterval(() => {
    const rss = process.memoryUsage.rss();
    send({ tsgi: "beat", served: running.served, inFlight: running.inFlight, oldestMs: pending.oldestMs(performance.now()), rss, ...(ownMetrics === undefined ? {} : { metrics: ownMetrics() }) });
    if (recycleAsked) return;
    if (config.maxRequests !== undefined && running.served >= config.maxRequests) {
      recycleAsked = true;
      send({ tsgi: "recycle", reason: "max-requests" });
    } else if (ceiling !== undefined && rss > ceiling) {
      recycleAsked = true;
      send({ tsgi: "recycle", reason: "memory", detail: `rss ${mb(rss)} MB > ${mb(ceiling)} MB` });
    }
  }, config.beatMs);
  // node:cluster exits a worker whose master disconnected; this covers a worker started by another spawner.
  process.once("disconnect", () => queue.post({ tsgi: "master-gone" }));
}

const raw = process.env[WORKER_CONFIG_ENV];
if (raw === undefined) {
  process.stderr.write(`tsgi pool: ${process.argv[1] ?? "worker"} is started by the pool's master (tsgi serve --workers N), not by hand\n`);
  process.exitCode = 2;
} else {
  void main(JSON.parse(raw) as WorkerConfig);
}
