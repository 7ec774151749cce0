/**
 * `tsgi/middleware/logger`: an access log line per request, in Common or Combined Log Format or as JSON
 * lines, with status, bytes sent and duration; written when the body has been sent.
 *
 * @example
 * ```ts
 * import { logger } from "tsgi/middleware/logger";
 * export default logger({ format: "json" })(app); // to env["tsgi.errors"]
 * export const site = logger({ sink: streamSink(process.stdout) })(app);
 * ```
 * @module
 */
import { accessLog, type AccessLogOptions, type Middleware } from "tsgi";

export { clfDate, type AccessRecord } from "tsgi";

/** Options for {@link logger}: the access log's format, sink, duration, skip and clocks. */
export type LoggerOptions = AccessLogOptions;

/**
 * Logs one line per request once its body is sent (or the stream fails), with the duration to the last
 * byte. A thrown error is logged as status 500 (or its own status) and re-thrown for the server. Under
 * `tsgi serve` the server already writes an access log to stdout (`--access-log`); use this middleware for
 * another sink or format, or where no such server runs.
 *
 * @example
 * ```ts
 * export default logger({ format: "json", sink: streamSink(process.stdout) })(app);
 * ```
 */
export function logger(options: LoggerOptions = {}): Middleware {
  return accessLog(options);
}
