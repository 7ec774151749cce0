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
import { isStoredSession, type Store, type StoredSession } from "./session/store.js";

/** The part of an ioredis client the store uses. */
export interface RedisClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "PX", milliseconds: number): Promise<unknown>;
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

function withTimeout<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis ${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([operation, limit]).finally(() => clearTimeout(timer));
}

/**
 * A {@link Store} in Redis: one string key per session holding JSON, with a TTL that follows the
 * session's expiry (`SET ... PX`) and is pushed back on each use (`PEXPIRE`). A Redis error or timeout
 * rejects, and the session middleware answers 503.
 */
export function redisStore(options: RedisStoreOptions): Store & { connect(): Promise<void>; close(): Promise<void> } {
  const prefix = options.prefix ?? "tsgi:session:";
  const timeoutMs = options.timeoutMs ?? 2000;
  let client: Promise<RedisClient> | undefined = options.client !== undefined ? Promise.resolve(options.client) : undefined;
  const owned = options.client === undefined;
  const ready = (): Promise<RedisClient> => {
    if (client === undefined) {
      client = connectUrl(options.url as string);
      client.catch(() => { client = undefined; }); // retry the connection on the next request
    }
    return client;
  };
  // Connecting is bounded by the client's own connect timeout; the command alone races timeoutMs.
  const run = async <T>(what: string, command: (redis: RedisClient) => Promise<T>): Promise<T> =>
    withTimeout(command(await ready()), timeoutMs, what);
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
      await run("SET", (redis) => redis.set(prefix + id, JSON.stringify(value), "PX", Math.max(1, Math.ceil(ttlMs))));
    },
    async touch(id, ttlMs) {
      await run("PEXPIRE", (redis) => redis.pexpire(prefix + id, Math.max(1, Math.ceil(ttlMs))));
    },
    async destroy(id) {
      await run("DEL", (redis) => redis.del(prefix + id));
    },
    /** Connects now (from a startup hook) instead of on the first request; rejects when Redis is unreachable. */
    async connect() {
      await ready();
    },
    async close() {
      if (!owned || client === undefined) return;
      const redis = await client.catch(() => undefined);
      await redis?.quit?.().catch(() => redis.disconnect?.());
    },
  };
}

async function connectUrl(url: string): Promise<RedisClient> {
  const module = await import("ioredis").catch((error: unknown) => {
    throw new Error("redisStore({ url }) needs the ioredis package: npm install ioredis (or pass { client })", { cause: error });
  });
  // No offline queue: while Redis is down, commands fail at once (→ 503) instead of piling up.
  const redis = new module.Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true });
  redis.on("error", () => { /* reported through the failing command */ });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect(); // stop its reconnect loop: the next request makes a fresh client
    throw error;
  }
  return redis as unknown as RedisClient;
}
