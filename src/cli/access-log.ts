/**
 * The server's access log (`tsgi serve --access-log FILE|- --log-format combined|common|json`): one line per
 * request once its body is sent, to stdout or appended to a file that is reopened on SIGUSR1 (logrotate).
 * Used by `serve()` and by each pool worker; the app's own errors stay on stderr (`tsgi.errors`).
 * @module
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { App, LogSink } from "../contract.js";
import { accessLog } from "../gateway/access-log.js";

/** The access log formats. */
export const ACCESS_LOG_FORMATS = ["combined", "common", "json"] as const;
export type AccessLogFormat = (typeof ACCESS_LOG_FORMATS)[number];

/** Where and how to write the access log: `path` is a file or `-` for stdout. JSON, so it reaches pool workers. */
export interface AccessLogConfig {
  path: string;
  format: AccessLogFormat;
}

/** A log sink that can be reopened (after logrotate renamed its file) and closed. */
export interface ReopenableSink extends LogSink {
  reopen(): void;
  close(): void;
}

/**
 * A sink for `-` (stdout) or a file opened for appending (O_APPEND, so several pool workers can share it);
 * `reopen()` opens the path afresh, as logrotate expects after it renamed the file and sent SIGUSR1.
 *
 * @example
 * ```ts
 * const sink = openLogSink("/var/log/myapp/access.log");
 * process.on("SIGUSR1", () => sink.reopen());
 * ```
 */
export function openLogSink(path: string): ReopenableSink {
  if (path === "-") return { write: (line) => { process.stdout.write(line.endsWith("\n") ? line : `${line}\n`); }, reopen: () => undefined, close: () => undefined };
  let fd = openSync(path, "a");
  return {
    write(line) {
      writeSync(fd, line.endsWith("\n") ? line : `${line}\n`);
    },
    reopen() {
      const next = openSync(path, "a");
      const old = fd;
      fd = next;
      closeSync(old);
    },
    close() {
      closeSync(fd);
    },
  };
}

/**
 * Wraps an app so each request writes one access-log line to `sink` once its body is sent (a thrown error is
 * logged as its status, else 500, and re-thrown for the server).
 *
 * @example
 * ```ts
 * const logged = withAccessLog(app, openLogSink("-"), "combined");
 * ```
 */
export function withAccessLog(app: App, sink: LogSink, format: AccessLogFormat): App {
  return accessLog({ sink, format })(app);
}

/** Opens the sink, wraps the app, and reopens the file on SIGUSR1; `dispose()` undoes both. */
export function accessLogged(app: App, config: AccessLogConfig): { app: App; dispose(): void } {
  const sink = openLogSink(config.path);
  const reopen = (): void => sink.reopen();
  process.on("SIGUSR1", reopen);
  return { app: withAccessLog(app, sink, config.format), dispose: () => { process.off("SIGUSR1", reopen); sink.close(); } };
}
