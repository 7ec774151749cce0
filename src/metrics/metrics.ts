import type { App, BodyChunk, Env, Middleware, Reply } from "../contract.js";
import { isStreamBody } from "../gateway/body.js";
import { MetricsRegistry, type MetricsSnapshot } from "./registry.js";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./render.js";

/** Options of {@link metrics}. */
export interface MetricsOptions {
  /** Where the scrape is answered, matched against PATH_INFO. Default `/metrics`. */
  path?: string;
  /** The counts to keep and print; default a new registry per call of `metrics()`. */
  registry?: MetricsRegistry;
  /** Histogram bucket bounds in seconds, when no registry is given. */
  buckets?: readonly number[];
  /** Prefix of every metric name. Default `tsgi_`. */
  prefix?: string;
  /**
   * What the scrape prints; default this registry's snapshot. A pool master passes the merge of its workers'
   * snapshots here (see `mergeSnapshots`).
   */
  collect?: () => MetricsSnapshot | Promise<MetricsSnapshot>;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

async function* watched(body: Iterable<BodyChunk> | AsyncIterable<BodyChunk>, done: () => void): AsyncGenerator<BodyChunk> {
  try {
    for await (const chunk of body) yield chunk;
  } finally {
    done();
  }
}

/**
 * Counts every request of the wrapped app and answers Prometheus scrapes at `path` (GET or HEAD) in the
 * text format: `tsgi_requests_total{method,status}`, `tsgi_requests_in_flight`,
 * `tsgi_request_duration_seconds` (to the reply, or to a streamed body's last chunk), `tsgi_worker_restarts_total{reason}` and, when a
 * pool reports them, `tsgi_queue_length` and `tsgi_workers`. Scrapes themselves are not counted.
 * The page is public to whoever reaches the app: restrict `path` at the front server or put auth before it.
 *
 * @example
 * ```ts
 * import { stack } from "tsgi";
 * import { metrics } from "tsgi/metrics";
 * export default stack(metrics({ path: "/metrics" }), app);
 * ```
 */
export function metrics(options: MetricsOptions = {}): Middleware {
  const path = options.path ?? "/metrics";
  if (!path.startsWith("/")) throw new TypeError(`metrics: path must start with "/" (got ${JSON.stringify(path)}); e.g. metrics({ path: "/metrics" })`);
  const prefix = options.prefix ?? "tsgi_";
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw new TypeError(`metrics: prefix must be letters, digits, "_" or ":" and not start with a digit (got ${JSON.stringify(prefix)}); e.g. prefix: "myapp_"`);
  }
  const registry = options.registry ?? new MetricsRegistry(options.buckets ? { buckets: options.buckets } : {});
  const collect = options.collect ?? (() => registry.snapshot());
  const now = options.now ?? (() => performance.now());

  return (app: App): App => (env: Env): Reply | Promise<Reply> => {
    if (env.PATH_INFO === path) return scrape(env, collect, prefix);
    const method = env.REQUEST_METHOD;
    const started = now();
    registry.started();
    const finish = (status: number): void => registry.finished(method, status, Math.max(0, now() - started) / 1000);
    const counted = (reply: Reply): Reply => {
      if (!isStreamBody(reply.body)) {
        finish(reply.status);
        return reply;
      }
      return { ...reply, body: watched(reply.body, () => finish(reply.status)) };
    };
    const failed = (error: unknown): never => {
      finish(500);
      throw error;
    };
    let result: Reply | Promise<Reply>;
    try {
      result = app(env);
    } catch (error) {
      return failed(error);
    }
    // A synchronous reply is counted synchronously: no promise, no microtask.
    return isThenable(result) ? Promise.resolve(result).then(counted, failed) : counted(result);
  };
}

function isThenable(value: unknown): value is PromiseLike<Reply> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

async function scrape(env: Env, collect: () => MetricsSnapshot | Promise<MetricsSnapshot>, prefix: string): Promise<Reply> {
  if (env.REQUEST_METHOD !== "GET" && env.REQUEST_METHOD !== "HEAD") {
    return { status: 405, headers: [["allow", "GET, HEAD"], ["content-type", "text/plain; charset=utf-8"]], body: "metrics: use GET or HEAD\n" };
  }
  const text = renderMetrics(await collect(), prefix);
  const headers: Array<[string, string]> = [["content-type", METRICS_CONTENT_TYPE], ["cache-control", "no-store"]];
  return { status: 200, headers, body: env.REQUEST_METHOD === "HEAD" ? null : text };
}
