/**
 * What a pool worker wraps around the app: the per-request timeout (on by default, 30 s) and the
 * status path. With the servers' lazy `tsgi.signal`, the timeout costs a synchronous reply nothing.
 * @module
 */
import type { App, Env, Reply } from "../../contract.js";
import { LAZY_ABORT, LazyAbort, SIGNAL_PROPERTY } from "../../gateway/lazy-abort.js";
import type { PoolStatus } from "./status.js";
import { statusHtml } from "./status.js";

/** One app call the timeout wrapper waits on. */
interface Pending {
  readonly at: number;
  readonly env: Env;
  readonly abort: (reason: DOMException) => void;
  readonly resolve: (reply: Reply) => void;
  timedOut: boolean;
}

/**
 * The app calls a worker is waiting on: the timeout sweep answers the late ones, and the heartbeat
 * reports the oldest (`oldestMs`) so the master can replace a worker whose call never settles.
 */
export class PendingRequests {
  readonly #calls = new Set<Pending>();

  add(call: Pending): void {
    this.#calls.add(call);
  }

  delete(call: Pending): void {
    this.#calls.delete(call);
  }

  /** Unsettled app calls, timed out or not. */
  get size(): number {
    return this.#calls.size;
  }

  /** Age of the oldest unsettled app call, 0 when none. */
  oldestMs(now: number): number {
    let oldest = now;
    for (const call of this.#calls) if (call.at < oldest) oldest = call.at;
    return now - oldest;
  }

  /** Answers every call older than `ms` that has not been answered yet; returns how many. */
  expire(now: number, ms: number, onTimeout: (call: Pending) => Reply): number {
    let expired = 0;
    for (const call of this.#calls) {
      if (call.timedOut || now - call.at < ms) continue;
      call.timedOut = true;
      expired++;
      call.resolve(onTimeout(call));
    }
    return expired;
  }
}

function timeoutReply(ms: number): Reply {
  const text = `The app did not answer within ${ms} ms.\n`;
  return { status: 504, headers: [["content-type", "text/plain; charset=utf-8"], ["content-length", String(Buffer.byteLength(text))]], body: text };
}

function isThenable(value: unknown): value is PromiseLike<Reply> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * How to fire the request's signal on timeout: the server's own lazy one when it made one (nothing to
 * set up), else a signal that also follows ours, put in the env before the app reads it.
 */
function abortFor(env: Env): (reason: DOMException) => void {
  const lazy = (env as unknown as { [LAZY_ABORT]?: unknown })[LAZY_ABORT];
  // Only while `tsgi.signal` is still the server's accessor: an env whose signal was replaced has its own.
  if (lazy instanceof LazyAbort && Object.getOwnPropertyDescriptor(env, "tsgi.signal")?.get === SIGNAL_PROPERTY.get) return (reason) => lazy.abort(reason);
  const controller = new AbortController();
  env["tsgi.signal"] = AbortSignal.any([env["tsgi.signal"], controller.signal]);
  return (reason) => controller.abort(reason);
}

/**
 * Gives every request `ms` to produce its reply. On timeout the request's `tsgi.signal` fires (with a
 * `TimeoutError`), the client gets a 504 and the event is logged; an app call that never settles stays
 * in `pending`, where the heartbeat reports it so the master can replace the worker. There is no timer
 * per request: an async reply costs one entry in a set (a synchronous one, nothing more), and one
 * sweep per wrapper checks every `ms / 4` (at most each second); its timer is unref'd.
 *
 * @example
 * ```ts
 * const pending = new PendingRequests();
 * await serveHttp(withTimeout(app, 30_000, pending));
 * ```
 */
export function withTimeout(app: App, ms: number, pending: PendingRequests, now: () => number = () => performance.now()): App {
  const onTimeout = ({ env, abort }: Pending): Reply => {
    abort(new DOMException(`the request took longer than ${ms} ms`, "TimeoutError"));
    env["tsgi.errors"].write(`tsgi pool: ${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO} timed out after ${ms} ms; answered 504`);
    return timeoutReply(ms);
  };
  const sweep = setInterval(() => { if (pending.size > 0) pending.expire(now(), ms, onTimeout); }, Math.max(10, Math.min(1000, Math.floor(ms / 4))));
  sweep.unref();
  return (env: Env) => {
    const abort = abortFor(env);
    const result = app(env);
    if (!isThenable(result)) return result;
    return new Promise<Reply>((resolve, reject) => {
      const call: Pending = { at: now(), env, abort, resolve, timedOut: false };
      pending.add(call);
      result.then((reply) => {
        pending.delete(call);
        if (!call.timedOut) resolve(reply);
      }, (error: unknown) => {
        pending.delete(call);
        if (!call.timedOut) reject(error);
      });
    });
  };
}

function wantsHtml(env: Env): boolean {
  if (/(^|&)format=html(&|$)/.test(env.QUERY_STRING)) return true;
  if (/(^|&)format=json(&|$)/.test(env.QUERY_STRING)) return false;
  const accept = env.HTTP_ACCEPT ?? "";
  return accept.includes("text/html");
}

/**
 * Answers `GET path` with the pool's status (JSON, or HTML for a browser or `?format=html`);
 * every other request goes to the app.
 */
export function withStatusPath(app: App, path: string, fetchStatus: () => Promise<PoolStatus>): App {
  return async (env: Env) => {
    if (env.PATH_INFO !== path && `${env.SCRIPT_NAME}${env.PATH_INFO}` !== path) return app(env);
    if (env.REQUEST_METHOD !== "GET" && env.REQUEST_METHOD !== "HEAD") {
      return { status: 405, headers: [["allow", "GET, HEAD"], ["content-type", "text/plain; charset=utf-8"]], body: "The status page answers GET and HEAD.\n" };
    }
    const status = await fetchStatus();
    const html = wantsHtml(env);
    const body = html ? statusHtml(status) : JSON.stringify(status, null, 2) + "\n";
    return {
      status: 200,
      headers: [["content-type", html ? "text/html; charset=utf-8" : "application/json"], ["cache-control", "no-store"], ["content-length", String(Buffer.byteLength(body))]],
      body,
    };
  };
}
