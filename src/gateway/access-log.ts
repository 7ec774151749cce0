/**
 * The access log: one line per request, in Common or Combined Log Format or as a JSON line, written once the
 * reply's body has been sent (or failed). One implementation for `tsgi serve --access-log` and the
 * `logger()` middleware. Request data never becomes log syntax: quotes, backslashes and control bytes are
 * escaped.
 * @module
 */
import type { App, BodyChunk, Env, LogSink, Middleware, Reply } from "../contract.js";
import { byteLength } from "./reply-plan.js";

/** One finished request, as handed to a format. */
export interface AccessRecord {
  /** When the request started. */
  time: Date;
  method: string;
  /** SCRIPT_NAME + PATH_INFO + ?query, as requested. */
  url: string;
  protocol: string;
  status: number;
  /** Body bytes sent (0 for none). */
  bytes: number;
  /** Milliseconds from the call to the last body byte. */
  durationMs: number;
  remoteAddr: string;
  user: string | undefined;
  referer: string | undefined;
  userAgent: string | undefined;
  requestId: string | undefined;
  /** True when the body stream failed or the client went away before it ended. */
  aborted: boolean;
}

/** The built-in line formats. */
export type AccessLogFormat = "common" | "combined" | "json";

/** Options for {@link accessLog}. */
export interface AccessLogOptions {
  /** `combined` (default), `common`, `json`, or a function formatting a record. */
  format?: AccessLogFormat | ((record: AccessRecord) => string);
  /** Where lines go. Default: the request's `tsgi.errors`. */
  sink?: LogSink;
  /** Append the duration in milliseconds to Common/Combined lines (like Apache's %D). Default true. */
  duration?: boolean;
  /** Skip requests, e.g. health checks. */
  skip?: (env: Env, status: number) => boolean;
  /** Monotonic clock in milliseconds, and wall clock (tests inject them). */
  now?: () => number;
  date?: () => Date;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number): string => (n < 10 ? "0" + n : String(n));

/** `10/Oct/2000:13:55:36 +0000` (always UTC). */
export function clfDate(date: Date): string {
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

// Quotes a field for CLF: escapes backslash, quote and control bytes so a request cannot forge a line.
function quoted(value: string | undefined): string {
  if (value === undefined || value === "") return '"-"';
  return '"' + value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => (c === '"' ? '\\"' : c === "\\" ? "\\\\" : "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"))) + '"';
}

function field(value: string | undefined): string {
  return value === undefined || value === "" ? "-" : value.replace(/[\s\u0000-\u001f\u007f"]/g, "_");
}

/**
 * The function formatting records for a format; throws naming the choices for an unknown one.
 *
 * @example
 * ```ts
 * accessFormatter("common")(record) // '127.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 5 0.120ms'
 * ```
 */
export function accessFormatter(format: AccessLogOptions["format"] = "combined", duration = true): (record: AccessRecord) => string {
  if (typeof format === "function") return format;
  if (format === "json") {
    return (r) => JSON.stringify({
      time: r.time.toISOString(), method: r.method, url: r.url, protocol: r.protocol, status: r.status, bytes: r.bytes,
      duration_ms: Math.round(r.durationMs * 1000) / 1000, remote_addr: r.remoteAddr, user: r.user ?? null,
      referer: r.referer ?? null, user_agent: r.userAgent ?? null, request_id: r.requestId ?? null,
      ...(r.aborted ? { aborted: true } : {}),
    });
  }
  if (format !== "common" && format !== "combined") throw new TypeError(`the access log format must be "common", "combined", "json" or a function; got ${JSON.stringify(format)}`);
  return (r) => {
    let line = `${field(r.remoteAddr)} - ${field(r.user)} [${clfDate(r.time)}] ${quoted(`${r.method} ${r.url} ${r.protocol}`)} ${r.status} ${r.bytes === 0 ? "-" : r.bytes}`;
    if (format === "combined") line += ` ${quoted(r.referer)} ${quoted(r.userAgent)}`;
    if (duration) line += ` ${r.durationMs.toFixed(3)}ms`;
    if (r.aborted) line += " aborted";
    return line;
  };
}

async function* counted(body: Iterable<BodyChunk> | AsyncIterable<BodyChunk>, done: (bytes: number, aborted: boolean) => void): AsyncGenerator<BodyChunk> {
  let bytes = 0;
  let finished = false;
  try {
    for await (const chunk of body) {
      bytes += typeof chunk === "string" || chunk instanceof Uint8Array ? byteLength(chunk) : 0;
      yield chunk;
    }
    finished = true;
  } finally {
    done(bytes, !finished);
  }
}

/**
 * Logs one line per request once its body is sent (or the stream fails), with the duration to the last
 * byte. A thrown error is logged as its own status (else 500) and re-thrown for the server.
 *
 * @example
 * ```ts
 * const logged = accessLog({ format: "json", sink: streamSink(process.stdout) })(app);
 * ```
 */
export function accessLog(options: AccessLogOptions = {}): Middleware {
  const format = accessFormatter(options.format, options.duration ?? true);
  const now = options.now ?? (() => performance.now());
  const date = options.date ?? (() => new Date());
  return (app: App): App => async (env: Env): Promise<Reply> => {
    const started = now();
    const time = date();
    const sink = options.sink ?? env["tsgi.errors"];
    const url = env.SCRIPT_NAME + env.PATH_INFO + (env.QUERY_STRING !== "" ? "?" + env.QUERY_STRING : "");
    const write = (status: number, bytes: number, aborted: boolean): void => {
      if (options.skip?.(env, status) === true) return;
      const user = env.REMOTE_USER;
      const id = env["tsgi.request_id"];
      sink.write(format({
        time, method: env.REQUEST_METHOD, url, protocol: env.SERVER_PROTOCOL, status, bytes, durationMs: now() - started,
        remoteAddr: env.REMOTE_ADDR, user: typeof user === "string" ? user : undefined, referer: env.HTTP_REFERER,
        userAgent: env.HTTP_USER_AGENT, requestId: typeof id === "string" ? id : undefined, aborted,
      }));
    };
    let reply: Reply;
    try {
      reply = await app(env);
    } catch (error) {
      const status = (error as { status?: unknown } | null)?.status;
      write(typeof status === "number" && status >= 400 && status <= 599 ? status : 500, 0, false);
      throw error;
    }
    const body = reply.body;
    if (body === null || body === undefined || env.REQUEST_METHOD === "HEAD") {
      write(reply.status, 0, false);
      return reply;
    }
    if (typeof body === "string" || body instanceof Uint8Array) {
      write(reply.status, byteLength(body), false);
      return reply;
    }
    return { ...reply, body: counted(body, (bytes, aborted) => write(reply.status, bytes, aborted)) };
  };
}
