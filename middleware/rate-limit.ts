/**
 * `tsgi/middleware/rate-limit`: limits how often a client (or any key) may do something, with a sliding
 * window counted in memory or in Redis (shared by a pool or several machines). Over the limit the
 * client gets `429 Too Many Requests` with `Retry-After`. `formLogin` uses it by default.
 *
 * @example
 * ```ts
 * import { rateLimit, redisRateStore } from "tsgi/middleware/rate-limit";
 * // 300 requests a minute per client address, counted in Redis for every worker and machine:
 * export default rateLimit({ limit: 300, windowMs: 60_000, store: redisRateStore({ url: process.env.REDIS_URL! }) })(app);
 * ```
 * @module
 */
import type { App, Env, Middleware, Reply } from "tsgi";
import { memoryRateStore } from "./rate-limit/memory-store.js";
import { decide, type RateDecision, type RateStore } from "./rate-limit/store.js";

export { memoryRateStore, type MemoryRateStoreOptions } from "./rate-limit/memory-store.js";
export { redisRateStore, type RedisRateClient, type RedisRateStoreOptions } from "./rate-limit/redis-store.js";
export type { RateDecision, RateStore, WindowCounts } from "./rate-limit/store.js";

/** Options for {@link rateLimiter}. */
export interface LimiterOptions {
  /** Hits allowed per window. */
  limit: number;
  /** The window in milliseconds (the limit applies to any `windowMs` long stretch, approximately). */
  windowMs: number;
  /** Where hits are counted. Default a {@link memoryRateStore} of this limiter (one process). */
  store?: RateStore;
  /** Namespace of this limiter's keys in a shared store. Default `"rl"`. */
  name?: string;
  /** Clock in milliseconds (tests inject one). Default `Date.now`; machines sharing a store need synced clocks. */
  now?: () => number;
}

/** Counts hits per key and decides; what {@link rateLimit} and `formLogin` use. */
export interface Limiter {
  /** Counts one hit for `key` and says whether it is within the limit. Rejects when the store fails. */
  hit(key: string): Promise<RateDecision>;
  /** Forgets `key`'s hits (e.g. a username's failed logins after a successful one). */
  reset(key: string): Promise<void>;
}

/**
 * A sliding-window limiter: `limit` hits per `windowMs` for each key. Every hit counts, refused ones
 * too, so a client that keeps hammering stays refused.
 *
 * @example
 * ```ts
 * const logins = rateLimiter({ limit: 10, windowMs: 15 * 60_000 });
 * const { allowed, retryAfter } = await logins.hit(`user:${name}`);
 * ```
 */
export function rateLimiter(options: LimiterOptions): Limiter {
  const { limit, windowMs } = options;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`rate limit must be a positive whole number of hits; got ${String(limit)}`);
  if (!Number.isFinite(windowMs) || windowMs < 1000) throw new TypeError(`rate limit windowMs must be at least 1000 ms; got ${String(windowMs)}`);
  const store = options.store ?? memoryRateStore();
  const name = options.name ?? "rl";
  const now = options.now ?? Date.now;
  return {
    async hit(key) {
      const time = now();
      const window = Math.floor(time / windowMs);
      const counts = await store.hit(`${name}:${key}`, window, windowMs);
      return decide(counts, (time - window * windowMs) / windowMs, limit, windowMs);
    },
    async reset(key) {
      await store.reset(`${name}:${key}`, Math.floor(now() / windowMs));
    },
  };
}

/**
 * The client's address as a rate-limit key: IPv4 as it is, IPv6 by its /64 network (one subscriber
 * usually has a whole /64), IPv4-mapped IPv6 as IPv4. Put `proxyFix()` outside so REMOTE_ADDR is the
 * client's, not the proxy's: otherwise every client shares one key.
 *
 * @example
 * ```ts
 * clientAddress(env); // "203.0.113.7", or "2001:db8:1:2::/64" for any address in that /64
 * rateLimit({ limit: 20, windowMs: 60_000, key: (env) => `${clientAddress(env)} ${env.PATH_INFO}` })
 * ```
 */
export function clientAddress(env: Env): string {
  const address = env.REMOTE_ADDR;
  if (!address.includes(":")) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return mapped[1] as string;
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":") + "::/64";
}

/**
 * A `429 Too Many Requests` reply with `Retry-After`.
 *
 * @example
 * ```ts
 * const { allowed, retryAfter } = await limiter.hit(key);
 * if (!allowed) return tooManyRequests(retryAfter, "too many password resets");
 * ```
 */
export function tooManyRequests(retryAfter: number, message = "too many requests"): Reply {
  return {
    status: 429,
    headers: [["content-type", "text/plain; charset=utf-8"], ["retry-after", String(retryAfter)], ["cache-control", "no-store"]],
    body: `${message}; try again in ${retryAfter} s\n`,
  };
}

/**
 * A `503 Service Unavailable` reply with `Retry-After: 5`, for when the counter store fails.
 *
 * @example
 * ```ts
 * return unavailable("the rate limit store is unavailable"); // body: "...; try again shortly"
 * ```
 */
export function unavailable(message: string): Reply {
  return { status: 503, headers: [["content-type", "text/plain; charset=utf-8"], ["retry-after", "5"], ["cache-control", "no-store"]], body: `${message}; try again shortly\n` };
}

/** Options for {@link rateLimit}. */
export interface RateLimitOptions extends LimiterOptions {
  /** The key a request counts against; undefined lets it through uncounted. Default {@link clientAddress}. */
  key?: (env: Env) => string | undefined;
  /** When the store fails: let requests through (true) or answer 503 (false, the default). */
  failOpen?: boolean;
}

/**
 * Limits requests per key (by default the client address): over `limit` in `windowMs` the client gets
 * 429 with `Retry-After` and the app is not called. A failing store answers 503 (logged), or lets the
 * request through with `failOpen: true`.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const limiter = rateLimiter(options);
  const keyOf = options.key ?? clientAddress;
  return (app: App): App => async (env: Env): Promise<Reply> => {
    const key = keyOf(env);
    if (key === undefined) return app(env);
    let decision: RateDecision;
    try {
      decision = await limiter.hit(key);
    } catch (error) {
      env["tsgi.errors"].write(`tsgi rate limit store failed: ${error instanceof Error ? error.message : String(error)}`);
      if (options.failOpen === true) return app(env);
      return unavailable("the rate limit store is unavailable");
    }
    return decision.allowed ? app(env) : tooManyRequests(decision.retryAfter);
  };
}
