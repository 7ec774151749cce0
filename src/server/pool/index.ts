/**
 * `tsgi/pool`: a pre-fork pool of workers serving one app over HTTP, FastCGI or SCGI, with crash
 * recovery, rolling reloads, heartbeats, per-request timeouts, max-requests recycling and a status
 * socket. `tsgi serve app.js --workers N` runs it; see docs/servers/pool.md for signals and tuning.
 *
 * @example
 * ```ts
 * import { servePool } from "tsgi/pool";
 * const pool = await servePool({ spec: "dist/app.js", workers: 4, bind: "127.0.0.1:8000" });
 * await pool.stopped; // after SIGTERM, once every worker drained
 * ```
 * @module
 */
import cluster from "node:cluster";
import { connect } from "node:net";
import { join } from "node:path";
import { streamSink } from "../../gateway/log.js";
import { describeBind, parseBind, type ListenTarget } from "../bind.js";
import { ListenError, PoolBootError, PoolOptionError, ServeError } from "../errors.js";
import { isSocketServerKind, SOCKET_SERVERS } from "../registry.js";
import { systemClock } from "./clock.js";
import { clusterSpawner } from "./cluster-spawner.js";
import { controlName, removeStaleSocket, runtimeDir, startControl, type ControlServer } from "./control.js";
import { PoolMaster, type PoolEvent, type PoolSignal, type StopResult } from "./master.js";
import { beatInterval, masterSettings, memoryCeiling, serverOptionsOf, type PoolOptions, type WorkerConfig } from "./options.js";
import { EventQueue } from "./queue.js";
import type { PoolStatus } from "./status.js";

export type { PoolOptions, PoolServerKind } from "./options.js";
export type { PoolStatus, WorkerStatus } from "./status.js";
export type { PoolSignal, StopResult } from "./master.js";
export { statusHtml, statusText } from "./status.js";
export { PoolBootError, PoolOptionError };

/** A running pool, seen from its master. */
export interface PoolHandle {
  /** Where the pool listens, for people. */
  readonly url: string;
  /** The control socket `tsgi status` reads, when there is one. */
  readonly controlSocket: string | undefined;
  /** The pool's status now. */
  status(): PoolStatus;
  /** Acts as if the master received the signal (SIGHUP reloads, SIGTTIN adds a worker...). */
  signal(signal: PoolSignal): void;
  /**
   * Drains every worker (up to `graceMs`, default the pool's) and resolves once all are gone. Calling it
   * again waits for the same stop; `close({ graceMs: 0 })` after it stops at once.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  /** Resolves once every worker is gone. */
  readonly stopped: Promise<void>;
  /** Why the pool stopped: code 0, or 3 after a boot-failure storm. */
  readonly result: Promise<StopResult>;
}

const SIGNALS: readonly PoolSignal[] = ["SIGHUP", "SIGTERM", "SIGINT", "SIGQUIT", "SIGTTIN", "SIGTTOU"];

/** Removes a unix socket file nobody listens on, so workers do not race to replace it. */
async function clearStaleSocket(target: ListenTarget): Promise<void> {
  if (target.kind !== "unix") return;
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(target.path);
    probe.once("connect", () => { probe.destroy(); resolve(true); });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new ListenError(`${target.path} is already in use: stop the other server or pick another --bind`, "EADDRINUSE");
  removeStaleSocket(target.path);
}

/**
 * Starts the master: forks `workers` workers that each load `spec`, await its startup hook and share
 * one listening socket. Resolves once every first worker is ready; rejects with a {@link PoolBootError}
 * naming the app's error when workers keep failing to boot (nothing is left running then). A stop asked
 * for before the first workers are ready (SIGTERM during start-up) resolves with a pool already stopped,
 * its `result` code 0.
 *
 * @example
 * ```ts
 * const pool = await servePool({ spec: "app.js:create()", server: "fastcgi", bind: "unix:/run/app.sock", workers: 4, timeoutMs: 30_000 });
 * console.log(pool.status().processes.map((w) => w.pid));
 * ```
 */
export async function servePool(options: PoolOptions): Promise<PoolHandle> {
  if (!cluster.isPrimary) throw new ServeError("servePool() runs in the master process; workers are started by it");
  const settings = masterSettings(options);
  const log = options.log ?? streamSink(process.stderr);
  const kind = options.server ?? "http";
  if (!isSocketServerKind(kind)) throw new PoolOptionError(`the pool runs --server http, fastcgi or scgi, not ${JSON.stringify(kind)}`);
  const target: ListenTarget = typeof options.bind === "string" ? parseBind(options.bind) : options.bind ?? parseBind("127.0.0.1:8000");
  const url = describeBind(target, SOCKET_SERVERS[kind].scheme);
  const cwd = options.cwd ?? process.cwd();
  const serverOptions = serverOptionsOf(options);
  if (options.development !== undefined) serverOptions.development = options.development;
  if (options.scriptName !== undefined) serverOptions.scriptName = options.scriptName;
  await clearStaleSocket(target);

  const base = {
    spec: options.spec, cwd, server: kind, bind: target, beatMs: beatInterval(settings),
    timeoutMs: settings.timeoutMs, maxMemoryBytes: memoryCeiling(options), statusPath: options.statusPath, metricsPath: options.metricsPath, accessLog: options.accessLog, serverOptions,
  };
  const configFor = (spec: { id: number; generation: number; maxRequests: number | undefined }): WorkerConfig => ({ ...base, ...spec });

  let resolveResult!: (result: StopResult) => void;
  const result = new Promise<StopResult>((resolve) => { resolveResult = resolve; });
  let control: ControlServer | undefined;
  const timers: { ticker?: NodeJS.Timeout } = {};
  const listeners: Array<[PoolSignal, () => void]> = [];

  let announced = false;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => { resolveReady = resolve; });

  const queue = new EventQueue<PoolEvent>((event) => {
    master.dispatch(event);
    if (!announced && master.status().processes.filter((w) => w.state === "ready").length >= settings.workers) {
      announced = true;
      log.write(`tsgi pool: serving ${options.spec} over ${SOCKET_SERVERS[kind].label} on ${url} with ${settings.workers} workers (master pid ${process.pid}${control === undefined ? "" : `; tsgi status --control-socket ${control.path}`})`);
      resolveReady();
    }
  });
  const spawner = clusterSpawner(configFor, (event) => queue.post(event));
  const master: PoolMaster = new PoolMaster(settings, {
    spawner, clock: systemClock, log,
    describe: { pid: process.pid, app: options.spec, server: kind, url },
    onStopped: (stop) => {
      clearInterval(timers.ticker);
      for (const [signal, listener] of listeners) process.off(signal, listener);
      void (control?.close() ?? Promise.resolve()).then(() => {
        if (stop.code !== 0) process.exitCode = stop.code;
        resolveResult(stop);
        resolveReady();
      });
    },
  });

  if (options.signals !== false) {
    // logrotate's SIGUSR1 goes to the master: each worker reopens its access-log file.
    const logFile = options.accessLog !== undefined && options.accessLog.path !== "-";
    const reopenLogs = (): void => { if (logFile) for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGUSR1"); };
    listeners.push(["SIGUSR1" as PoolSignal, reopenLogs]);
    process.on("SIGUSR1", reopenLogs);
    for (const signal of SIGNALS) {
      const listener = (): void => queue.post({ type: "signal", signal });
      listeners.push([signal, listener]);
      process.on(signal, listener);
    }
  }
  if (options.controlSocket !== false) {
    const path = options.controlSocket ?? join(runtimeDir(), controlName(target));
    try {
      control = await startControl(path, () => master.status());
    } catch (error) {
      log.write(`tsgi pool: no control socket (${(error as Error).message}); tsgi status will not find this pool`);
    }
  }
  timers.ticker = setInterval(() => queue.post({ type: "tick" }), Math.min(250, Math.max(20, Math.floor(settings.heartbeatTimeoutMs / 8))));
  master.start();

  await ready;
  if (master.phase === "stopped") {
    // Stopped before every first worker was ready: a boot-failure storm rejects; a stop that was asked
    // for (SIGTERM while booting) is a normal end, and the returned pool is already stopped.
    const stop = await result;
    if (stop.code !== 0) throw new PoolBootError(stop.reason);
  }
  const stopped = result.then(() => undefined);
  let closing: Promise<void> | undefined;
  return {
    url,
    controlSocket: control?.path,
    status: () => master.status(),
    signal: (signal) => queue.post({ type: "signal", signal }),
    close: (closeOptions = {}) => {
      // Idempotent: a second close() is not a second SIGTERM; only one asking for no grace stops at once.
      if (closing === undefined) {
        if (closeOptions.graceMs !== undefined) settings.graceMs = closeOptions.graceMs;
        queue.post({ type: "signal", signal: "SIGTERM" });
        closing = stopped;
      } else if (closeOptions.graceMs === 0) {
        queue.post({ type: "signal", signal: "SIGQUIT" });
      }
      return closing;
    },
    stopped,
    result,
  };
}
