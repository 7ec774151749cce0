/** Connecting to Redis with ioredis (an optional peer dependency, imported on first use), and bounding commands. @module */

/** Rejects when `operation` takes longer than `ms`, naming `what`. */
export function withTimeout<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis ${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([operation, limit]).finally(() => clearTimeout(timer));
}

/**
 * A client for `url`, made on first use and made again after a failed connection. `user` names the
 * caller in the error shown when ioredis is not installed.
 */
export function lazyClient<C>(url: string, user: string): { ready(): Promise<C>; close(): Promise<void> } {
  let client: Promise<C> | undefined;
  return {
    ready() {
      if (client === undefined) {
        client = connectUrl(url, user) as Promise<C>;
        client.catch(() => { client = undefined; }); // retry the connection on the next request
      }
      return client;
    },
    async close() {
      if (client === undefined) return;
      const redis = (await client.catch(() => undefined)) as { quit?(): Promise<unknown>; disconnect?(): void } | undefined;
      await redis?.quit?.().catch(() => redis.disconnect?.());
    },
  };
}

async function connectUrl(url: string, user: string): Promise<unknown> {
  const module = await import("ioredis").catch((error: unknown) => {
    throw new Error(`${user}({ url }) needs the ioredis package: npm install ioredis (or pass { client })`, { cause: error });
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
  return redis;
}
