/**
 * `serve()`: runs an app, a service or a module spec on the server chosen by name or detected,
 * with its lifecycle hooks and graceful stop on SIGTERM/SIGINT. Servers load lazily from the server table, so a
 * process pays only for the one it runs.
 * @module
 */
import type { AccessLogConfig } from "../cli/access-log.js";
import type { App, LogSink, Service } from "../contract.js";
import { streamSink } from "../gateway/log.js";
import { toService } from "../gateway/service.js";
import type { ListenTarget } from "./bind.js";
import { detectServer, type ServerKind } from "./detect.js";
import type { SignalSource } from "./lifecycle.js";
import { ServeError } from "./errors.js";
import { loadService } from "./load.js";
import { CGI_SERVER, isSocketServerKind, SOCKET_SERVERS } from "./registry.js";
import type { RunningServer, ServerOptions } from "./types.js";

export { ServeError };

/** Options for {@link serve}. */
export interface ServeOptions {
  /** Which server: `auto` (default) picks CGI under a web server's CGI, FastCGI on a handed-over socket, else HTTP. */
  server?: "auto" | ServerKind;
  /** Where to listen (socket servers): `127.0.0.1:8000` (default), `unix:/run/app.sock`, `fd:0`. */
  bind?: string | ListenTarget;
  /** Processes to run; more than 1 starts the pre-fork pool, which loads `spec` in each worker. */
  workers?: number;
  /** Error stacks reach the client. Never in production. */
  development?: boolean;
  /** How long a stop waits for requests in flight (default 30 s). */
  graceMs?: number;
  /** The app's mount point when the front server does not say it. */
  scriptName?: string;
  /** The server's log (default: stderr). */
  log?: LogSink;
  /** The module spec, for log lines and for the pool (required when `workers > 1` and the first argument is not a spec). */
  spec?: string;
  /**
   * Stop gracefully on SIGTERM/SIGINT, at once on a second one, give up (exit code 1) if that hangs 5 s;
   * log and ignore SIGHUP (default true). A {@link SignalSource} replaces `process` in tests.
   */
  signals?: boolean | SignalSource;
  /** Passed to the server (or pool) as they are: HTTP limits, FastCGI settings, pool settings. */
  serverOptions?: Record<string, unknown>;
  /** Where relative module specs resolve from (default: the working directory). */
  cwd?: string;
  /**
   * An access-log line per request (`path`: a file, appended and reopened on SIGUSR1, or `-` for stdout; `format`:
   * combined, common or json). Default: none from `serve()`; `tsgi serve` passes stdout. Not for CGI.
   */
  accessLog?: AccessLogConfig;
  /**
   * Answer Prometheus scrapes at this path (e.g. `/metrics`): requests by method and status, in flight, durations;
   * with `workers > 1`, for the whole pool plus its restarts, queue and workers (docs/metrics.md). Default: off,
   * and then nothing is counted. Public to whoever reaches the app unless restricted at the front server.
   */
  metricsPath?: string;
}

/** A served app. */
export interface ServeHandle {
  /** The server that runs. */
  readonly kind: ServerKind | "pool";
  /** Where it listens, for people (undefined for CGI). */
  readonly url: string | undefined;
  /** The socket server, when one runs in this process. */
  readonly server: RunningServer | undefined;
  /** Stops: no new requests, in-flight ones finish for up to `graceMs`, then the shutdown hook runs. */
  close(options?: { graceMs?: number }): Promise<void>;
  /** Resolves once stopped (by `close()` or a signal) and the shutdown hook has run. */
  readonly stopped: Promise<void>;
  /** The exit code the process should end with once stopped: 0; 1 when a stop hung and was given up on; the pool's 3 after a boot-failure storm. */
  readonly exitCode: Promise<number>;
}

/** The options every server and the pool are given, plus the pass-through ones. */
function serverOptionsOf(options: ServeOptions, log: LogSink): ServerOptions & Record<string, unknown> {
  const out: ServerOptions & Record<string, unknown> = { ...options.serverOptions, log };
  if (options.bind !== undefined) out.bind = options.bind;
  if (options.development !== undefined) out.development = options.development;
  if (options.scriptName !== undefined) out.scriptName = options.scriptName;
  if (options.graceMs !== undefined) out.graceMs = options.graceMs;
  return out;
}

async function servePoolOf(spec: string | undefined, kind: ServerKind, options: ServeOptions, log: LogSink): Promise<ServeHandle> {
  if (spec === undefined) throw new ServeError("workers > 1 needs a module spec: each worker loads the app itself (tsgi serve app.js --workers 2, or serve(\"app.js\", { workers: 2 }))");
  if (!isSocketServerKind(kind)) throw new ServeError("CGI runs one process per request: --workers does not apply; use --server http, fastcgi or scgi");
  const { servePool } = await import("./pool/index.js");
  const pool = await servePool({
    ...serverOptionsOf(options, log), spec, server: kind,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.signals === false ? { signals: false } : {}),
    ...(options.accessLog === undefined ? {} : { accessLog: options.accessLog }),
    ...(options.metricsPath === undefined ? {} : { metricsPath: options.metricsPath }),
  });
  const exitCode = pool.result.then((result) => result.code);
  return { kind: "pool", url: pool.url, server: undefined, close: (o) => pool.close(o), stopped: pool.stopped, exitCode };
}

/**
 * Serves an app, a {@link Service}, or a module spec (`"app.js"`, `"app.js:api"`, `"app.js:create()"`).
 * Awaits the startup hook once, starts the server, and on SIGTERM/SIGINT stops accepting, lets requests
 * in flight finish (up to `graceMs`), then awaits the shutdown hook. Under CGI it serves the one request.
 *
 * @example
 * ```ts
 * import { serve } from "tsgi/server";
 * const handle = await serve(app, { server: "http", bind: "127.0.0.1:8000" });
 * await handle.stopped; // after SIGTERM, once drained
 * ```
 */
export async function serve(target: App | Service | string, options: ServeOptions = {}): Promise<ServeHandle> {
  const log = options.log ?? streamSink(process.stderr);
  const auto = options.server === undefined || options.server === "auto";
  const kind: ServerKind = options.server === undefined || options.server === "auto" ? detectServer() : options.server;
  // Detected FastCGI means a web server handed us a listening socket on fd 0: serve on it.
  if (auto && kind === "fastcgi" && options.bind === undefined) options = { ...options, bind: "fd:0" };
  const spec = typeof target === "string" ? target : options.spec;
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 1)) {
    throw new ServeError(`workers must be a whole number >= 1; got ${options.workers}`);
  }
  if (options.metricsPath !== undefined && !options.metricsPath.startsWith("/")) {
    throw new ServeError(`metricsPath must start with "/", e.g. "/metrics"; got ${JSON.stringify(options.metricsPath)}`);
  }
  if ((options.workers ?? 1) > 1) return servePoolOf(spec, kind, options, log);

  const loaded = typeof target === "string" ? await loadService(target, { ...(options.cwd === undefined ? {} : { cwd: options.cwd }), development: options.development === true }) : undefined;
  const service = loaded?.service ?? await toService(target);
  // Loaded only with metricsPath: without it the app is not wrapped and no request pays for counting.
  const counted = options.metricsPath === undefined ? undefined : (await import("../metrics/metrics.js")).metrics({ path: options.metricsPath });
  const name = loaded?.name ?? spec ?? "app";

  if (kind === "cgi") {
    const runCgi = await CGI_SERVER.load();
    const cgiService: Service = counted === undefined ? service : {
      app: counted(service.app),
      ...(service.startup === undefined ? {} : { startup: () => service.startup?.() }),
      ...(service.shutdown === undefined ? {} : { shutdown: () => service.shutdown?.() }),
    };
    const code = await runCgi(cgiService, { development: options.development === true, exit: false });
    return { kind, url: undefined, server: undefined, close: async () => undefined, stopped: Promise.resolve(), exitCode: Promise.resolve(code) };
  }

  const entry = SOCKET_SERVERS[kind];
  const start = await entry.load();
  // Loaded here, not at the top: a CGI request never needs it (each module costs start-up time).
  const { runSignalLoop, SignalQueue } = await import("./lifecycle.js");
  await service.startup?.();
  let server: RunningServer;
  let app = service.app;
  let disposeLog = (): void => undefined;
  if (options.accessLog !== undefined) {
    const logged = (await import("../cli/access-log.js")).accessLogged(app, options.accessLog);
    app = logged.app;
    disposeLog = logged.dispose;
  }
  // Outside the access log, as in the pool: scrapes are neither logged nor counted.
  if (counted !== undefined) app = counted(app);
  try {
    server = await start(app, serverOptionsOf(options, log));
  } catch (error) {
    disposeLog();
    await service.shutdown?.();
    throw error;
  }
  // "serving" is written only once the stop signals are caught: a SIGTERM right after it must not find
  // the default action (the process killed, no shutdown hook).
  const announce = (): void => log.write(`tsgi: serving ${name} over ${entry.label} on ${server.url} (pid ${process.pid})`);

  let stopping: Promise<void> | undefined;
  const close = (closeOptions: { graceMs?: number } = {}): Promise<void> => {
    const graceMs = closeOptions.graceMs ?? options.graceMs;
    const serverClosed = server.close(graceMs === undefined ? {} : { graceMs });
    stopping ??= serverClosed.then(async () => {
      disposeLog();
      try {
        await service.shutdown?.();
      } catch (error) {
        log.write(`tsgi: the shutdown hook failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      }
    });
    return stopping;
  };

  let stopped: Promise<void>;
  if (options.signals === false) {
    let resolveStopped!: () => void;
    stopped = new Promise((resolve) => { resolveStopped = resolve; });
    const plainClose = close;
    announce();
    return { kind, url: server.url, server, close: (o) => plainClose(o).finally(resolveStopped), stopped, exitCode: stopped.then(() => 0) };
  }
  const queue = new SignalQueue(["SIGTERM", "SIGINT", "SIGHUP"], options.signals === true || options.signals === undefined ? process : options.signals);
  announce();
  const graceMs = options.graceMs ?? 30_000;
  let forced = false;
  const loop = runSignalLoop(queue, { close }, (line) => log.write(line), graceMs, { onForced: () => { forced = true; } });
  const closeAndEndLoop = async (closeOptions?: { graceMs?: number }): Promise<void> => {
    await close(closeOptions);
    queue.dispose();
    await loop;
  };
  stopped = loop.then(() => (forced ? undefined : stopping));
  return { kind, url: server.url, server, close: closeAndEndLoop, stopped, exitCode: stopped.then(() => (forced ? 1 : 0)) };
}
