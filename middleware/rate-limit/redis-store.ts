/** The rate limiter's counter store in Redis, shared by every worker and machine. @module */
import { lazyClient, withTimeout } from "../lib/redis.js";
import type { RateStore, WindowCounts } from "./store.js";

/** The part of an ioredis client the store uses. */
export interface RedisRateClient {
  eval(script: string, keyCount: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
}

/** Options for {@link redisRateStore}: a client, or a URL to connect to with ioredis. */
export type RedisRateStoreOptions = ({ client: RedisRateClient; url?: never } | { url: string; client?: never }) & {
  /** Key prefix. Default `"tsgi:rate:"`. */
  prefix?: string;
  /** A command slower than this fails instead of holding the request. Default 2000 ms. */
  timeoutMs?: number;
};

// One round trip, atomic: count the hit in this window (expiring after the next), read the previous one.
const HIT = `local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {current, tonumber(redis.call('GET', KEYS[2]) or '0')}`;

/**
 * Counts hits in Redis: one key per key and window (`INCR`, expiring after two windows), so every
 * process that shares the Redis shares the limit. A Redis error or timeout rejects.
 *
 * @example
 * ```ts
 * rateLimit({ limit: 100, windowMs: 60_000, store: redisRateStore({ url: process.env.REDIS_URL! }) })
 * ```
 */
export function redisRateStore(options: RedisRateStoreOptions): RateStore & { connect(): Promise<void>; close(): Promise<void> } {
  const prefix = options.prefix ?? "tsgi:rate:";
  const timeoutMs = options.timeoutMs ?? 2000;
  const given = options.client;
  const lazy = given === undefined ? lazyClient<RedisRateClient>(options.url as string, "redisRateStore") : undefined;
  const ready = (): Promise<RedisRateClient> => (given !== undefined ? Promise.resolve(given) : (lazy as { ready(): Promise<RedisRateClient> }).ready());
  return {
    async hit(key, window, windowMs): Promise<WindowCounts> {
      const redis = await ready();
      const reply = await withTimeout(redis.eval(HIT, 2, `${prefix}${key}:${window}`, `${prefix}${key}:${window - 1}`, 2 * windowMs + 1000), timeoutMs, "rate EVAL");
      const [current, previous] = reply as [number, number];
      return { current: Number(current), previous: Number(previous) };
    },
    async reset(key, window) {
      const redis = await ready();
      await withTimeout(redis.del(`${prefix}${key}:${window}`, `${prefix}${key}:${window - 1}`), timeoutMs, "rate DEL");
    },
    async connect() {
      await ready();
    },
    async close() {
      await lazy?.close();
    },
  };
}
