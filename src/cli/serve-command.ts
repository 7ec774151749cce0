/** `tsgi serve MODULE[:EXPORT]`: parse the options, then hand over to `serve()` (or the reloader). @module */
import { parseBind } from "../server/bind.js";
import { BindError } from "../server/errors.js";
import { serve, type ServeOptions } from "../server/serve.js";
import { integerOption, optionHelp, parseOptions, secondsOption, type OptionTable } from "./args.js";
import { UsageError } from "./errors.js";

const SERVERS = ["auto", "http", "cgi", "fastcgi", "scgi"] as const;
/** The access log formats (./access-log.ts; not imported here, so a CGI request never loads it). */
const ACCESS_LOG_FORMATS = ["combined", "common", "json"] as const;

/** The options of `tsgi serve`. */
export const SERVE_OPTIONS: OptionTable = {
  server: { type: "string", value: "KIND", help: "auto (default), http, cgi, fastcgi or scgi" },
  bind: { type: "string", short: "b", value: "ADDR", help: "HOST:PORT, [IPV6]:PORT, :PORT, unix:PATH or fd:N (default 127.0.0.1:8000)" },
  workers: { type: "string", short: "w", value: "N", help: "processes to run; more than 1 starts the pre-fork pool (default 1)" },
  reload: { type: "boolean", help: "restart when a source file changes (development)" },
  development: { type: "boolean", help: "error stacks reach the client (never in production)" },
  grace: { type: "string", value: "SECONDS", help: "how long a stop waits for requests in flight (default 30)" },
  "script-name": { type: "string", value: "PATH", help: "the app's mount point when the front server does not say it" },
  timeout: { type: "string", value: "SECONDS", help: "pool: per-request timeout, default 30, 0 for none (the request's signal fires, 504)" },
  "heartbeat-timeout": { type: "string", value: "SECONDS", help: "pool: replace a worker silent this long (a busy loop)" },
  "max-requests": { type: "string", value: "N", help: "pool: recycle a worker after about N requests" },
  "max-requests-jitter": { type: "string", value: "N", help: "pool: up to N more per worker, so they recycle apart" },
  "max-worker-memory": { type: "string", value: "MB", help: "pool: recycle a worker gracefully once its RSS passes MB" },
  "status-path": { type: "string", value: "PATH", help: "pool: serve the pool's status at this path" },
  "control-socket": { type: "string", value: "PATH", help: "pool: where `tsgi status` finds the master" },
  "metrics-path": { type: "string", value: "PATH", help: "answer Prometheus scrapes at PATH, e.g. /metrics (the whole pool's with --workers)" },
  "access-log": { type: "string", value: "FILE|-", help: "one line per request to FILE (appended; reopened on SIGUSR1) or - for stdout (default -)" },
  "no-access-log": { type: "boolean", help: "no access log (the front server keeps one)" },
  "log-format": { type: "string", value: "FORMAT", help: "access log format: combined (default), common or json" },
  pid: { type: "string", value: "FILE", help: "write the server's (the pool master's) pid here once listening; removed on exit" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

export const SERVE_USAGE = `Usage: tsgi serve MODULE[:EXPORT] [options]

Serves an app: MODULE's default export, a named export (app.js:api), or a factory called once
per process (app.js:createApp()). .js always; .ts through tsx, for development.

Options:
${optionHelp(SERVE_OPTIONS)}

Examples:
  tsgi serve dist/app.js --bind 0.0.0.0:8000
  tsgi serve examples/sum/app.ts --reload --development
  tsgi serve 'dist/app.js:createApp()' --server fastcgi --bind unix:/run/app.sock --workers 4

Logs: the access log goes to stdout (or --access-log FILE), everything else to stderr. SIGUSR1 reopens
the access-log file (logrotate).

Signals (to the pid in --pid FILE): SIGTERM/SIGINT stop gracefully (up to --grace), a second one at once; if that still hangs
5 s later, tsgi gives up and exits 1. One process logs and ignores SIGHUP; with --workers N, SIGHUP is a
rolling reload (docs/servers/pool.md).
`;

/** The flag each pool option came from, for messages. */
const FLAG_OF: Record<string, string> = {
  timeoutMs: "timeout", heartbeatTimeoutMs: "heartbeat-timeout", maxRequests: "max-requests", maxRequestsJitter: "max-requests-jitter",
  maxWorkerMemoryMb: "max-worker-memory", statusPath: "status-path", controlSocket: "control-socket",
};

/** Turns parsed flags into serve() options; every mistake is a UsageError. */
export function serveOptionsFrom(values: Record<string, string | boolean | string[] | undefined>): ServeOptions {
  const options: ServeOptions = {};
  const server = values.server;
  if (server !== undefined) {
    const kind = SERVERS.find((name) => name === server);
    if (kind === undefined) throw new UsageError(`--server must be one of ${SERVERS.join(", ")}; got ${JSON.stringify(server)}`);
    options.server = kind;
  }
  if (values.bind !== undefined) {
    try {
      options.bind = parseBind(String(values.bind));
    } catch (error) {
      if (error instanceof BindError) throw new UsageError(`--bind: ${error.message}`);
      throw error;
    }
  }
  const workers = integerOption(values, "workers", 1);
  if (workers !== undefined) options.workers = workers;
  if (values.development === true) options.development = true;
  const grace = secondsOption(values, "grace");
  if (grace !== undefined) options.graceMs = grace;
  if (values["script-name"] !== undefined) options.scriptName = String(values["script-name"]);
  const format = values["log-format"] === undefined ? "combined" : ACCESS_LOG_FORMATS.find((name) => name === values["log-format"]);
  if (format === undefined) throw new UsageError(`--log-format must be one of ${ACCESS_LOG_FORMATS.join(", ")}; got ${JSON.stringify(values["log-format"])}`);
  if (values["no-access-log"] === true) {
    if (values["access-log"] !== undefined) throw new UsageError("--access-log and --no-access-log contradict each other; pick one");
  } else if (options.server !== "cgi") {
    options.accessLog = { path: values["access-log"] === undefined ? "-" : String(values["access-log"]), format };
  }
  if (values["metrics-path"] !== undefined) {
    const path = String(values["metrics-path"]);
    if (!path.startsWith("/")) throw new UsageError(`--metrics-path must start with "/", e.g. --metrics-path /metrics; got ${JSON.stringify(path)}`);
    if (path === values["status-path"]) throw new UsageError(`--metrics-path and --status-path are both ${path}; give each its own path`);
    options.metricsPath = path;
  }
  const pool: Record<string, unknown> = {};
  const timeout = secondsOption(values, "timeout");
  if (timeout !== undefined) pool.timeoutMs = timeout;
  const heartbeat = secondsOption(values, "heartbeat-timeout");
  if (heartbeat !== undefined) pool.heartbeatTimeoutMs = heartbeat;
  const maxRequests = integerOption(values, "max-requests", 1);
  if (maxRequests !== undefined) pool.maxRequests = maxRequests;
  const jitter = integerOption(values, "max-requests-jitter", 0);
  if (jitter !== undefined) pool.maxRequestsJitter = jitter;
  const memory = integerOption(values, "max-worker-memory", 1);
  if (memory !== undefined) pool.maxWorkerMemoryMb = memory;
  if (values["status-path"] !== undefined) pool.statusPath = String(values["status-path"]);
  if (values["control-socket"] !== undefined) pool.controlSocket = String(values["control-socket"]);
  if (Object.keys(pool).length > 0) {
    if ((workers ?? 1) < 2) throw new UsageError(`${Object.keys(pool).map((key) => `--${FLAG_OF[key] ?? key}`).join(", ")} need the pool: add --workers N (N >= 2)`);
    options.serverOptions = pool;
  }
  return options;
}

/**
 * Runs `tsgi serve`. Resolves with the exit code once the server has stopped (SIGTERM/SIGINT).
 *
 * @example
 * ```ts
 * process.exitCode = await serveCommand(["dist/app.js", "--bind", "127.0.0.1:8000"]);
 * ```
 */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, SERVE_OPTIONS, "serve");
  if (values.help === true) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0
      ? "tsgi serve needs the app: tsgi serve MODULE[:EXPORT], e.g. tsgi serve dist/app.js (tsgi serve --help)"
      : `tsgi serve takes one app; got ${positionals.join(" ")} (quote a spec with spaces)`);
  }
  const spec = positionals[0] as string;
  const options = serveOptionsFrom(values);
  if (values.reload === true && process.env.TSGI_RELOAD_CHILD === undefined) {
    if (options.server === "cgi") throw new UsageError("--reload does not apply to CGI: the web server starts a fresh process per request");
    const { runReloader } = await import("./reload.js");
    return runReloader(argv.filter((arg) => arg !== "--reload"), spec);
  }
  const pidPath = values.pid === undefined ? undefined : String(values.pid);
  if (pidPath !== undefined) {
    if (options.server === "cgi") throw new UsageError("--pid does not apply to CGI: the web server starts a process per request");
    const { checkPidFile } = await import("./pid-file.js");
    checkPidFile(pidPath);
  }
  const handle = await serve(spec, options);
  let release: (() => void) | undefined;
  if (pidPath !== undefined && handle.kind !== "cgi") {
    const { writePidFile } = await import("./pid-file.js");
    try {
      release = writePidFile(pidPath);
    } catch (error) {
      await handle.close({ graceMs: 0 });
      throw error;
    }
  }
  await handle.stopped;
  release?.();
  return handle.exitCode;
}
