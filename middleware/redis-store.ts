/**
 * `tsgi/middleware/redis-store`: a session {@link Store} in Redis, shared by every worker and machine.
 *
 * ioredis is an optional peer dependency: pass your own client (any object with `get`, `set`, `pexpire`
 * and `del` in ioredis's shape), or a `url` and ioredis is imported on first use.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { sessions } from "tsgi/middleware/session";
 * import { redisStore } from "tsgi/middleware/redis-store";
 * const store = redisStore({ client: new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false }) });
 * export default sessions({ store })(app);
 * ```
 * @module
 */
import { lazyClient, withTimeout } from "./lib/redis.js";
import { isStoredSession, type Store, type StoredSession } from "./session/store.js";

/** The part of an ioredis client the store uses. */
export interface RedisClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "PX", milliseconds: number): Promise<unknown>;
  /** `SET key value PX ms XX`: only when the key exists; null when it does not. */
  set(key: string, value: string, mode: "PX", milliseconds: number, condition: "XX"): Promise<unknown>;
  pexpire(key: string, milliseconds: number): Promise<number>;
  del(key: string): Promise<number>;
  quit?(): Promise<unknown>;
  disconnect?(): void;
}

/** Options for {@link redisStore}: a client, or a URL to connect to with ioredis. */
export type RedisStoreOptions = ({ client: RedisClient; url?: never } | { url: string; client?: never }) & {
  /** Key prefix. Default `"tsgi:session:"`. */
  prefix?: string;
  /** A command slower than this fails (→ 503) instead of holding the request. Default 2000 ms. */
  timeoutMs?: number;
};

/**
 * A {@link Store} in Redis: one string key per session holding JSON, with a TTL that follows the
 * session's expiry (`SET ... PX`) and is pushed back on each use (`PEXPIRE`). Updates of an existing
 * session use `SET ... XX`, so a request still in flight when its session is logged out elsewhere cannot
 * bring it back. A Redis error or timeout rejects, and the session middleware answers 503.
 */
export function redisStore(options: RedisStoreOptions): Store & { connect(): Promise<void>; close(): Promise<void> } {
  const prefix = options.prefix ?? "tsgi:session:";
  const timeoutMs = options.timeoutMs ?? 2000;
  const given = options.client;
  const lazy = given === undefined ? lazyClient<RedisClient>(options.url as string, "redisStore") : undefined;
  const ready = (): Promise<RedisClient> => (given !== undefined ? Promise.resolve(given) : (lazy as { ready(): Promise<RedisClient> }).ready());
  // Connecting is bounded by the client's own connect timeout; the command alone races timeoutMs.
  const run = async <T>(what: string, command: (redis: RedisClient) => Promise<T>): Promise<T> =>
    withTimeout(command(await ready()), timeoutMs, what);
  const px = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs));
  return {
    async get(id) {
      const json = await run("GET", (redis) => redis.get(prefix + id));
      if (json === null) return undefined;
      try {
        const value: unknown = JSON.parse(json);
        return isStoredSession(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    async set(id, value: StoredSession, ttlMs) {
      await run("SET", (redis) => redis.set(prefix + id, JSON.stringify(value), "PX", px(ttlMs)));
    },
    async replace(id, value: StoredSession, ttlMs) {
      return (await run("SET XX", (redis) => redis.set(prefix + id, JSON.stringify(value), "PX", px(ttlMs), "XX"))) !== null;
    },
    async touch(id, ttlMs) {
      await run("PEXPIRE", (redis) => redis.pexpire(prefix + id, px(ttlMs)));
    },
    async destroy(id) {
      await run("DEL", (redis) => redis.del(prefix + id));
    },
    /** Connects now (from a startup hook) instead of on the first request; rejects when Redis is unreachable. */
    async connect() {
      await ready();
    },
    async close() {
      await lazy?.close();
    },
  };
}
