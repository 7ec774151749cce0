/** The pool's options: what `tsgi serve --workers N` passes, split into master settings and worker config. @module */
import type { AccessLogConfig } from "../../cli/access-log.js";
import type { LogSink } from "../../contract.js";
import type { ListenTarget } from "../bind.js";
import { PoolOptionError } from "../errors.js";
import type { SocketServerKind } from "../registry.js";
import { DEFAULT_SETTINGS, type MasterSettings } from "./master.js";

/** The socket servers a pool can run. */
export type PoolServerKind = SocketServerKind;

/** Options for {@link servePool}. Unknown keys are passed to each worker's server (JSON values only). */
export interface PoolOptions {
  /** The app, as `MODULE[:EXPORT]` or `MODULE:EXPORT()`: every worker loads it itself. */
  spec: string;
  /** Where relative specs resolve from (default: the working directory). */
  cwd?: string;
  /** Each worker writes an access-log line per request here (`path` a file, appended, or `-` for stdout); reopened on SIGUSR1. */
  accessLog?: AccessLogConfig;
  /** Which server the workers run (default `http`). */
  server?: PoolServerKind;
  /** Where to listen; every worker shares the one listening socket. Default `127.0.0.1:8000`. */
  bind?: string | ListenTarget;
  /** Number of workers (default 2; see the tuning advice in docs/servers/pool.md). */
  workers?: number;
  development?: boolean;
  scriptName?: string;
  /** How long draining workers finish in-flight requests (default 30 s). */
  graceMs?: number;
  /**
   * Per-request timeout: the request's `tsgi.signal` fires and the client gets a 504. Default 30 s (gunicorn's
   * `--timeout`); 0 turns it off (then a request that never settles holds its connection until the client leaves).
   */
  timeoutMs?: number;
  /** After a timeout, how long a request may stay unsettled before its worker is replaced (default 5 s). */
  recoverMs?: number;
  /** A worker silent this long (blocked event loop) is killed and replaced (default 30 s). */
  heartbeatTimeoutMs?: number;
  /** A worker not ready this long after it started counts as a boot failure (default 60 s). */
  bootTimeoutMs?: number;
  /** Boot failures in a row, with no worker serving, that stop the master (default 3). */
  maxBootFailures?: number;
  /** Recycle each worker after about this many requests (default: never). */
  maxRequests?: number;
  /**
   * Recycle a worker gracefully once its resident memory (RSS) passes this many megabytes, checked every
   * heartbeat (like uWSGI's `reload-on-rss`). Default: off.
   */
  maxWorkerMemoryMb?: number;
  /** Add up to this many requests per worker to `maxRequests`, so they do not recycle together (default maxRequests / 10). */
  maxRequestsJitter?: number;
  /** Serve the pool's status at this path (JSON, or HTML for browsers). Default: off. Protect it in front. */
  statusPath?: string;
  /**
   * Serve Prometheus metrics at this path (e.g. `/metrics`): a scrape on any worker answers for the whole pool
   * (docs/metrics.md). Default: off, and then nothing is counted. Public unless restricted in front.
   */
  metricsPath?: string;
  /** The control socket `tsgi status` talks to: a path, or false for none. Default: in the runtime directory. */
  controlSocket?: string | false;
  /** The master's log (default stderr). */
  log?: LogSink;
  /** Handle SIGHUP/SIGTERM/SIGINT/SIGQUIT/SIGTTIN/SIGTTOU in this process (default true). */
  signals?: boolean;
}

/** What a worker needs, sent as JSON in its environment. */
export interface WorkerConfig {
  spec: string;
  cwd: string;
  server: PoolServerKind;
  bind: string | ListenTarget;
  id: number;
  generation: number;
  beatMs: number;
  maxRequests: number | undefined;
  timeoutMs: number | undefined;
  /** Recycle past this RSS, in bytes (undefined: never). */
  maxMemoryBytes: number | undefined;
  statusPath: string | undefined;
  metricsPath: string | undefined;
  accessLog: AccessLogConfig | undefined;
  /** Server options as given (development, scriptName, HTTP limits...). */
  serverOptions: Record<string, unknown>;
}

/** The environment variable carrying a worker's {@link WorkerConfig}. */
export const WORKER_CONFIG_ENV = "TSGI_POOL_WORKER";

const POOL_KEYS = new Set<string>([
  "spec", "cwd", "server", "bind", "workers", "graceMs", "timeoutMs", "recoverMs", "heartbeatTimeoutMs", "bootTimeoutMs",
  "maxBootFailures", "maxRequests", "maxRequestsJitter", "maxWorkerMemoryMb", "statusPath", "metricsPath", "controlSocket", "log", "signals", "accessLog",
]);

function positive(name: string, value: unknown, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new PoolOptionError(`pool option ${name} must be a ${allowZero ? "non-negative" : "positive"} number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Master settings from options, checked (fail fast: a nonsense value throws naming the option). */
export function masterSettings(options: PoolOptions): MasterSettings {
  const workers = options.workers ?? DEFAULT_SETTINGS.workers;
  if (!Number.isInteger(workers) || workers < 1) throw new PoolOptionError(`workers must be a whole number >= 1, got ${JSON.stringify(options.workers)}`);
  const maxRequests = positive("maxRequests", options.maxRequests);
  if (options.statusPath !== undefined && !options.statusPath.startsWith("/")) throw new PoolOptionError(`statusPath must start with "/", got ${JSON.stringify(options.statusPath)}`);
  if (options.metricsPath !== undefined && !options.metricsPath.startsWith("/")) throw new PoolOptionError(`metricsPath must start with "/", e.g. "/metrics"; got ${JSON.stringify(options.metricsPath)}`);
  if (options.metricsPath !== undefined && options.metricsPath === options.statusPath) throw new PoolOptionError(`metricsPath and statusPath are both ${JSON.stringify(options.metricsPath)}; give each its own path`);
  return {
    ...DEFAULT_SETTINGS,
    workers,
    graceMs: positive("graceMs", options.graceMs, true) ?? DEFAULT_SETTINGS.graceMs,
    heartbeatTimeoutMs: positive("heartbeatTimeoutMs", options.heartbeatTimeoutMs) ?? DEFAULT_SETTINGS.heartbeatTimeoutMs,
    bootTimeoutMs: positive("bootTimeoutMs", options.bootTimeoutMs) ?? DEFAULT_SETTINGS.bootTimeoutMs,
    maxBootFailures: positive("maxBootFailures", options.maxBootFailures) ?? DEFAULT_SETTINGS.maxBootFailures,
    maxRequests,
    maxRequestsJitter: positive("maxRequestsJitter", options.maxRequestsJitter, true) ?? (maxRequests === undefined ? 0 : Math.floor(maxRequests / 10)),
    timeoutMs: options.timeoutMs === 0 ? undefined : positive("timeoutMs", options.timeoutMs) ?? DEFAULT_SETTINGS.timeoutMs,
    recoverMs: positive("recoverMs", options.recoverMs, true) ?? DEFAULT_SETTINGS.recoverMs,
  };
}

/** The memory ceiling in bytes, checked (undefined: none). */
export function memoryCeiling(options: PoolOptions): number | undefined {
  const mb = positive("maxWorkerMemoryMb", options.maxWorkerMemoryMb);
  return mb === undefined ? undefined : Math.round(mb * 1024 * 1024);
}

/** How often workers beat: a fifth of the heartbeat timeout, between 100 ms and 1 s. */
export function beatInterval(settings: MasterSettings): number {
  return Math.min(1000, Math.max(100, Math.floor(settings.heartbeatTimeoutMs / 5)));
}

/** The options meant for the server in each worker: everything that is not a pool option, as JSON. */
export function serverOptionsOf(options: PoolOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (POOL_KEYS.has(key) || value === undefined || typeof value === "function") continue;
    out[key] = value;
  }
  if (options.graceMs !== undefined) out.graceMs = options.graceMs;
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}
