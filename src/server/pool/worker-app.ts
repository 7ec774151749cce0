/**
 * What a pool worker wraps around the app: the per-request timeout and the status path. Nothing
 * is wrapped when neither is configured, so the hot path stays the app's own.
 * @module
 */
import type { App, Env, Reply } from "../../contract.js";
import type { PoolStatus } from "./status.js";
import { statusHtml } from "./status.js";

/** The requests a timeout wrapper is waiting on, for the heartbeat's `oldestMs`. */
export class PendingRequests {
  readonly #started = new Set<{ at: number }>();

  add(at: number): { at: number } {
    const token = { at };
    this.#started.add(token);
    return token;
  }

  delete(token: { at: number }): void {
    this.#started.delete(token);
  }

  /** Age of the oldest unsettled app call, 0 when none. */
  oldestMs(now: number): number {
    let oldest = now;
    for (const token of this.#started) if (token.at < oldest) oldest = token.at;
    return now - oldest;
  }
}

function timeoutReply(ms: number): Reply {
  const text = `The app did not answer within ${ms} ms.\n`;
  return { status: 504, headers: [["content-type", "text/plain; charset=utf-8"], ["content-length", String(Buffer.byteLength(text))]], body: text };
}

/**
 * Gives every request `ms` to produce its reply. On timeout the request's `tsgi.signal` fires (with a
 * `TimeoutError`), the client gets a 504 and the event is logged; an app call that never settles stays
 * in `pending`, where the heartbeat reports it so the master can replace the worker.
 *
 * @example
 * ```ts
 * const pending = new PendingRequests();
 * const guarded = withTimeout(app, 30_000, pending);
 * ```
 */
export function withTimeout(app: App, ms: number, pending: PendingRequests, now: () => number = () => performance.now()): App {
  return (env: Env) => {
    const controller = new AbortController();
    env["tsgi.signal"] = AbortSignal.any([env["tsgi.signal"], controller.signal]);
    const token = pending.add(now());
    let timer: NodeJS.Timeout | undefined;
    const call = Promise.resolve().then(() => app(env));
    void call.then(() => pending.delete(token), () => pending.delete(token));
    const timeout = new Promise<Reply>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new DOMException(`the request took longer than ${ms} ms`, "TimeoutError"));
        env["tsgi.errors"].write(`tsgi pool: ${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO} timed out after ${ms} ms; answered 504`);
        resolve(timeoutReply(ms));
      }, ms);
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
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
