/**
 * `tsgi/middleware/timeout`: gives each request a deadline. The app sees a derived `tsgi.signal` that
 * aborts at the deadline (or when the client goes away), so database queries and fetches passed that
 * signal stop too; if no reply has come by then, the client gets 503 (or 504).
 *
 * @example
 * ```ts
 * import { timeout } from "tsgi/middleware/timeout";
 * const app: App = async (env) => json(await db.query(sql, { signal: env["tsgi.signal"] }));
 * export default timeout({ ms: 5000 })(app);
 * ```
 * @module
 */
import { discardBody, type App, type Env, type Middleware, type Reply } from "tsgi";

/** Options for {@link timeout}. */
export interface TimeoutOptions {
  /** Deadline in milliseconds until the reply (its head; a streamed body is not cut). */
  ms: number;
  /** 503 Service Unavailable (default) or 504 Gateway Timeout (for apps that mostly wait on upstreams). */
  status?: 503 | 504;
  /** Timer to use (tests inject one). Returns a function cancelling it. */
  setTimer?: (callback: () => void, ms: number) => () => void;
}

/** The reason a request's signal carries when its deadline passes. */
export class RequestTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`the request took longer than ${ms} ms`);
    this.name = "TimeoutError";
  }
}

const realTimer = (callback: () => void, ms: number): (() => void) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

/** A per-request deadline wired to `tsgi.signal`; late requests get 503/504 and the app's work is aborted. */
export function timeout(options: TimeoutOptions): Middleware {
  const { ms } = options;
  if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`timeout ms must be a positive number; got ${String(ms)}`);
  const status = options.status ?? 503;
  const setTimer = options.setTimer ?? realTimer;
  return (app: App): App => async (env: Env): Promise<Reply> => {
    const deadline = new AbortController();
    env["tsgi.signal"] = AbortSignal.any([env["tsgi.signal"], deadline.signal]);
    let cancel: () => void = () => {};
    const expired = new Promise<Reply>((resolve) => {
      cancel = setTimer(() => {
        late = true;
        deadline.abort(new RequestTimeoutError(ms));
        env["tsgi.errors"].write(`tsgi timeout: ${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO} took longer than ${ms} ms; answered ${status}`);
        resolve({ status, headers: [["content-type", "text/plain; charset=utf-8"], ["retry-after", "1"]], body: `the server took too long to answer (over ${ms} ms)\n` });
      }, ms);
    });
    let late = false;
    const work = Promise.resolve().then(() => app(env));
    // After the deadline: a late failure must not become an unhandled rejection, and a late streamed
    // body (an open file, a cursor) is closed rather than left for the garbage collector.
    work.then((reply) => { if (late) void discardBody(reply.body).catch(() => {}); }, () => {});
    try {
      return await Promise.race([work, expired]);
    } finally {
      cancel();
    }
  };
}
