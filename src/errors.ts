/**
 * Errors that carry their own HTTP status and whether their message may reach the client.
 * Servers, the framework and middleware all answer a thrown error the same way: {@link errorReply}.
 * @module
 */
import type { Reply } from "./contract.js";
import { reasonPhrase } from "./gateway/status.js";

/**
 * An error with an HTTP status. `expose` (default: status < 500) says whether `message` may be sent
 * to the client; otherwise the client sees only the reason phrase.
 *
 * @example
 * ```ts
 * throw new HttpError(404, "no book with ISBN 978-0");
 * throw new HttpError(503, "redis is down", { expose: false });
 * ```
 */
export class HttpError extends Error {
  readonly status: number;
  readonly expose: boolean;
  readonly headers: Array<[string, string]>;

  constructor(status: number, message?: string, options: { expose?: boolean; headers?: Array<[string, string]>; cause?: unknown } = {}) {
    super(message ?? reasonPhrase(status), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers ?? [];
  }
}

/** The shape servers look for on a thrown value: any error may carry these. */
interface StatusCarrier {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  headers?: unknown;
  stack?: unknown;
  message?: unknown;
}

/** Reads the status an error carries (4xx/5xx), or 500. */
export function errorStatus(error: unknown): number {
  if (typeof error !== "object" || error === null) return 500;
  const carrier = error as StatusCarrier;
  const status = typeof carrier.status === "number" ? carrier.status : carrier.statusCode;
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

/**
 * Turns a thrown value into a plain-text reply. The message reaches the client only when the error
 * says `expose: true` (an HttpError below 500 does by default); the stack only when `development` is set.
 */
export function errorReply(error: unknown, development = false): Reply {
  const status = errorStatus(error);
  const carrier = (typeof error === "object" && error !== null ? error : {}) as StatusCarrier;
  const expose = carrier.expose === true;
  let text = expose && typeof carrier.message === "string" ? carrier.message : reasonPhrase(status);
  if (development) text = typeof carrier.stack === "string" ? carrier.stack : String(error);
  const headers: Array<[string, string]> = [["content-type", "text/plain; charset=utf-8"]];
  if (Array.isArray(carrier.headers)) {
    for (const pair of carrier.headers as unknown[]) {
      if (Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") headers.push([pair[0], pair[1]]);
    }
  }
  return { status, headers, body: text + "\n" };
}
