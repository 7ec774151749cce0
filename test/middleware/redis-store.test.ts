// The Redis store against a real redis-server started here (skipped only off CI when it is not installed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { request } from "tsgi/testing";
import { redisStore } from "tsgi/middleware/redis-store";
import type { Store } from "tsgi/middleware/session";
import { haveBinaries } from "../support/daemon.js";
import { startRedis, type RedisServer } from "../support/redis.js";
import { storeCases, storeSite } from "./store-suite.js";
import { Jar } from "./support.js";

describe.runIf(haveBinaries("redis-server"))("redisStore against redis-server", () => {
  let server: RedisServer;
  let client: Redis;
  let store: Store & { close(): Promise<void> };

  beforeAll(async () => {
    server = await startRedis();
    client = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await client.connect();
    store = redisStore({ client, prefix: "test:" });
  });
  afterAll(async () => {
    await client?.quit().catch(() => undefined);
    await server?.stop();
  });

  storeCases(() => store);

  it("sets a TTL that follows maxAge and is refreshed on use", async () => {
    const app = storeSite(store, 300);
    const jar = new Jar();
    jar.take(await request(app, "GET", "/login?user=ada"));
    const id = jar.cookies.get("session") as string;
    const ttl = await client.pttl(`test:${id}`);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    await client.pexpire(`test:${id}`, 10_000);
    await request(app, "GET", "/", { headers: jar.headers() });
    expect(await client.pttl(`test:${id}`)).toBeGreaterThan(290_000);
  });

  it("shares sessions between two apps (two workers) through the same Redis", async () => {
    const url = server.url;
    const other = redisStore({ url, prefix: "test:" });
    try {
      const jar = new Jar();
      jar.take(await request(storeSite(store), "GET", "/login?user=grace"));
      expect((await request(storeSite(other), "GET", "/", { headers: jar.headers() })).text).toBe("user=grace");
    } finally {
      await other.close();
    }
  });

  it("answers 503 while Redis is down, and recovers when it is back", async () => {
    const spare = await startRedis();
    const flaky = redisStore({ url: spare.url, timeoutMs: 1000 });
    const app = storeSite(flaky);
    const jar = new Jar();
    jar.take(await request(app, "GET", "/login?user=ada"));
    expect((await request(app, "GET", "/", { headers: jar.headers() })).text).toBe("user=ada");
    await spare.daemon.stop();
    const started = Date.now();
    const down = await request(app, "GET", "/", { headers: jar.headers() });
    expect(down.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2500);
    const fresh = await request(storeSite(redisStore({ url: "redis://127.0.0.1:1", timeoutMs: 500 })), "GET", "/touch");
    expect(fresh.status).toBe(503);
    const again = await startRedis(spare.port);
    try {
      let reply = await request(app, "GET", "/login?user=ada");
      for (let tries = 0; reply.status === 503 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        reply = await request(app, "GET", "/login?user=ada");
      }
      expect(reply.status).toBe(200);
    } finally {
      await flaky.close();
      await again.stop();
      await spare.stop();
    }
  });
});
