/**
 * The server's access log (`tsgi serve --access-log FILE|- --log-format combined|common|json`): one line per
 * request once its body is sent, to stdout or appended to a file that is reopened on SIGUSR1 (logrotate).
 * Used by `serve()` and by each pool worker; the app's own errors stay on stderr (`tsgi.errors`).
 * @module
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { App, BodyChunk, Env, LogSink, Reply } from "../contract.js";

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

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number): string => String(n).padStart(2, "0");
const clfDate = (d: Date): string => `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
// Request data never becomes log syntax: quotes, backslashes and control bytes are escaped.
const quoted = (value: string | undefined): string => (value === undefined || value === "" ? '"-"'
  : `"${value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => (c === '"' ? '\\"' : c === "\\" ? "\\\\" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`))}"`);
const field = (value: string | undefined): string => (value === undefined || value === "" ? "-" : value.replace(/[\s\u0000-\u001f\u007f"]/g, "_"));

function line(format: AccessLogFormat, env: Env, time: Date, status: number, bytes: number, ms: number): string {
  const url = env.SCRIPT_NAME + env.PATH_INFO + (env.QUERY_STRING !== "" ? `?${env.QUERY_STRING}` : "");
  const user = typeof env.REMOTE_USER === "string" ? env.REMOTE_USER : undefined;
  if (format === "json") {
    return JSON.stringify({
      time: time.toISOString(), method: env.REQUEST_METHOD, url, protocol: env.SERVER_PROTOCOL, status, bytes,
      duration_ms: Math.round(ms * 1000) / 1000, remote_addr: env.REMOTE_ADDR, user: user ?? null,
      referer: env.HTTP_REFERER ?? null, user_agent: env.HTTP_USER_AGENT ?? null,
    });
  }
  let out = `${field(env.REMOTE_ADDR)} - ${field(user)} [${clfDate(time)}] ${quoted(`${env.REQUEST_METHOD} ${url} ${env.SERVER_PROTOCOL}`)} ${status} ${bytes === 0 ? "-" : bytes}`;
  if (format === "combined") out += ` ${quoted(env.HTTP_REFERER)} ${quoted(env.HTTP_USER_AGENT)}`;
  return `${out} ${ms.toFixed(3)}ms`;
}

const size = (chunk: BodyChunk): number => (typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength);

async function* counted(body: Iterable<BodyChunk> | AsyncIterable<BodyChunk>, done: (bytes: number) => void): AsyncGenerator<BodyChunk> {
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += size(chunk);
      yield chunk;
    }
  } finally {
    done(bytes);
  }
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
  return async (env: Env): Promise<Reply> => {
    const started = performance.now();
    const time = new Date();
    const write = (status: number, bytes: number): void => sink.write(line(format, env, time, status, bytes, performance.now() - started));
    let reply: Reply;
    try {
      reply = await app(env);
    } catch (error) {
      const status = (error as { status?: unknown } | null)?.status;
      write(typeof status === "number" && status >= 400 && status <= 599 ? status : 500, 0);
      throw error;
    }
    const body = reply.body;
    if (body === null || body === undefined || env.REQUEST_METHOD === "HEAD") { write(reply.status, 0); return reply; }
    if (typeof body === "string" || body instanceof Uint8Array) { write(reply.status, size(body)); return reply; }
    return { ...reply, body: counted(body, (bytes) => write(reply.status, bytes)) };
  };
}

/** Opens the sink, wraps the app, and reopens the file on SIGUSR1; `dispose()` undoes both. */
export function accessLogged(app: App, config: AccessLogConfig): { app: App; dispose(): void } {
  const sink = openLogSink(config.path);
  const reopen = (): void => sink.reopen();
  process.on("SIGUSR1", reopen);
  return { app: withAccessLog(app, sink, config.format), dispose: () => { process.off("SIGUSR1", reopen); sink.close(); } };
}
