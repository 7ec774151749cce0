/**
 * Calling an app the way every server does. One fast path (an app that returns a reply synchronously
 * is answered with no promise in between) and one error path: a throw, a rejection or a value that is
 * not a reply becomes an error reply and ONE line in the server's log, with the stack.
 * @module
 */
import type { App, Env, LogSink, Reply } from "../contract.js";
import { errorReply, errorStatus } from "../errors.js";

/** True for an object that looks like a reply: integer status and an array of headers. */
export function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null
    && Number.isInteger((value as Reply).status) && Array.isArray((value as Reply).headers);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** `GET /path` for log lines. */
export function describeRequest(env: Env): string {
  return `${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO}`;
}

/** The stack of a thrown value, or its text. */
export function stackOf(error: unknown): string {
  return error instanceof Error ? error.stack ?? `${error.name}: ${error.message}` : String(error);
}

function notAReply(value: unknown): TypeError {
  let what: string = value === null ? "null" : typeof value;
  const fix = "return { status, headers, body }";
  if (typeof value === "object" && value !== null) {
    const headers = (value as { headers?: unknown }).headers;
    if (headers !== undefined && !Array.isArray(headers)) {
      return new TypeError("the app's reply has headers that are not an array; give headers as [name, value] pairs: headers: [[\"content-type\", \"text/plain\"]] (not an object or a Headers)");
    }
    if (!Number.isInteger((value as { status?: unknown }).status)) {
      return new TypeError("the app's reply has no integer status; set status to a number such as 200");
    }
    what = "an object that is not a reply";
  }
  return new TypeError(`the app returned ${what} instead of a reply; ${fix}`);
}

/**
 * The reply for a thrown value: its own status (500 unless it carries one), the message only when the
 * error exposes it, the stack only in development. Server errors (5xx) are logged once with their stack.
 */
export function failureReply(error: unknown, env: Env, log: LogSink, development: boolean): Reply {
  if (errorStatus(error) >= 500) log.write(`tsgi: ${describeRequest(env)}: ${stackOf(error)}`);
  return errorReply(error, development);
}

/**
 * Calls `app(env)`. Returns the reply itself when the app returned one synchronously (the fast path);
 * otherwise a promise that never rejects. Errors become replies through {@link failureReply}.
 *
 * @example
 * ```ts
 * const result = invoke(app, env, log, false);
 * if (result instanceof Promise) result.then(send); else send(result);
 * ```
 */
export function invoke(app: App, env: Env, log: LogSink, development: boolean): Reply | Promise<Reply> {
  let result: unknown;
  try {
    result = app(env);
  } catch (error) {
    return failureReply(error, env, log, development);
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => isReply(value) ? value : failureReply(notAReply(value), env, log, development),
      (error: unknown) => failureReply(error, env, log, development),
    );
  }
  return isReply(result) ? result : failureReply(notAReply(result), env, log, development);
}
