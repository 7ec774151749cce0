// Rate limiting (issue 12 item 8): a sliding window per key, in memory or in a real redis-server shared by
// several limiters (processes), and formLogin throttling guesses by default with 429 + Retry-After.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import type { App } from "tsgi";
import { request } from "tsgi/testing";
import { formLogin } from "tsgi/middleware/auth";
import { clientAddress, memoryRateStore, rateLimit, rateLimiter, redisRateStore, type RateStore } from "tsgi/middleware/rate-limit";
import { sessions } from "tsgi/middleware/session";
import { haveBinaries } from "../support/daemon.js";
import { startRedis, type RedisServer } from "../support/redis.js";
import { manualClock } from "./support.js";

const ok: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "ok" });

describe("rateLimiter", () => {
  it("allows limit hits per window and says honestly when the next one is allowed", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    const limiter = rateLimiter({ limit: 3, windowMs: 10_000, now: clock.now });
    for (let i = 0; i < 3; i++) expect((await limiter.hit("k")).allowed).toBe(true);
    const refused = await limiter.hit("k");
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(refused.retryAfter).toBeLessThanOrEqual(20);
    clock.advance(refused.retryAfter * 1000);
    expect((await limiter.hit("k")).allowed).toBe(true);
    expect((await limiter.hit("other")).allowed).toBe(true);
  });

  it("slides: hits late in one window still count early in the next", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    const limiter = rateLimiter({ limit: 10, windowMs: 60_000, now: clock.now });
    clock.advance(55_000);
    for (let i = 0; i < 10; i++) expect((await limiter.hit("k")).allowed).toBe(true);
    clock.advance(10_000); // 5 s into the next window: ~92% of the previous one still counts
    expect((await limiter.hit("k")).allowed).toBe(false);
    clock.advance(60_000);
    expect((await limiter.hit("k")).allowed).toBe(true);
  });

  it("never lies in Retry-After: after waiting it out, the next hit is allowed (property)", async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 120 }), fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 60 }),
      async (limit, windowSeconds, gaps) => {
        const windowMs = windowSeconds * 1000;
        const clock = manualClock(Date.UTC(2026, 0, 1) + 123);
        const limiter = rateLimiter({ limit, windowMs, now: clock.now });
        for (const gap of gaps) {
          clock.advance(gap);
          const decision = await limiter.hit("k");
          if (decision.allowed) continue;
          expect(decision.retryAfter).toBeGreaterThanOrEqual(1);
          expect(decision.retryAfter * 1000).toBeLessThanOrEqual(2 * windowMs + 1000);
          clock.advance(decision.retryAfter * 1000);
          expect((await limiter.hit("k")).allowed).toBe(true);
        }
      },
    ), { numRuns: 300 });
  });

  it("refuses nonsense limits with a message naming the option", () => {
    expect(() => rateLimiter({ limit: 0, windowMs: 1000 })).toThrow(/positive whole number/);
    expect(() => rateLimiter({ limit: 1, windowMs: 10 })).toThrow(/at least 1000 ms/);
  });

  it("keeps the memory store bounded", async () => {
    const store = memoryRateStore({ max: 100 });
    for (let i = 0; i < 1000; i++) await store.hit(`k${i}`, 1, 1000);
    expect(store.size).toBe(100);
  });
});

describe("rateLimit middleware", () => {
  it("answers 429 with Retry-After over the limit, per client address, without calling the app", async () => {
    let calls = 0;
    const app = rateLimit({ limit: 2, windowMs: 60_000 })(() => { calls++; return ok({} as never); });
    const from = (remoteAddr: string) => request(app, "GET", "/", { remoteAddr });
    expect((await from("203.0.113.1")).status).toBe(200);
    expect((await from("203.0.113.1")).status).toBe(200);
    const refused = await from("203.0.113.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.header("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.text).toMatch(/too many requests; try again in \d+ s/);
    expect(calls).toBe(2);
    expect((await from("203.0.113.2")).status).toBe(200);
  });

  it("keys IPv6 clients by their /64 and IPv4-mapped addresses as IPv4", () => {
    const key = (REMOTE_ADDR: string) => clientAddress({ REMOTE_ADDR } as never);
    expect(key("2001:db8:1:2:aaaa::1")).toBe(key("2001:db8:1:2:bbbb:cccc:dddd:eeee"));
    expect(key("2001:db8:1:2::1")).not.toBe(key("2001:db8:1:3::1"));
    expect(key("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(key("192.0.2.1")).toBe("192.0.2.1");
  });

  it("answers 503 when the store fails, or lets requests through with failOpen", async () => {
    const down: RateStore = { hit: () => Promise.reject(new Error("connection refused")), reset: () => Promise.resolve() };
    const closed = await request(rateLimit({ limit: 5, windowMs: 60_000, store: down })(ok), "GET", "/");
    expect(closed.status).toBe(503);
    expect(closed.header("retry-after")).toBe("5");
    expect(closed.logs.join("\n")).toMatch(/rate limit store failed: connection refused/);
    expect((await request(rateLimit({ limit: 5, windowMs: 60_000, store: down, failOpen: true })(ok), "GET", "/")).status).toBe(200);
  });
});

describe("formLogin throttles guessing by default", () => {
  const KEYS = ["a-secret-of-at-least-32-bytes-long!"];
  function loginSite(limits?: Parameters<typeof formLogin>[0]["limits"]): { app: App; checks: () => number } {
    let checks = 0;
    const authenticate = (name: string, password: string) => { checks++; return password === "right" ? { id: name } : undefined; };
    const app = sessions({ keys: KEYS })(formLogin({ authenticate, ...(limits !== undefined ? { limits } : {}) })(ok));
    return { app, checks: () => checks };
  }
  const attempt = (app: App, username: string, password: string, remoteAddr = "198.51.100.9") =>
    request(app, "POST", "/login", { remoteAddr, form: { username, password } });

  it("refuses the right password after 100 wrong ones from one client (the issue's attack)", async () => {
    const { app, checks } = loginSite();
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await attempt(app, "penny", `wrong${i}`)).status);
    expect(statuses.slice(0, 10).every((status) => status === 303)).toBe(true);
    expect(statuses.slice(10).every((status) => status === 429)).toBe(true);
    const right = await attempt(app, "penny", "right");
    expect(right.status).toBe(429);
    expect(Number(right.header("retry-after"))).toBeGreaterThan(0);
    expect(right.text).toMatch(/too many login attempts/);
    expect(checks()).toBe(10); // throttled attempts never reach the password check
  });

  it("limits one address across usernames, and usernames across addresses", async () => {
    const { app } = loginSite();
    const spray: number[] = [];
    for (let i = 0; i < 51; i++) spray.push((await attempt(app, `user${i}`, "wrong", "198.51.100.10")).status);
    expect(spray.filter((status) => status === 429)).toHaveLength(1);
    expect((await attempt(app, "someone", "right", "198.51.100.11")).status).toBe(303);
    for (let i = 0; i < 10; i++) await attempt(app, "Ada", "wrong", `198.51.100.${20 + i}`);
    expect((await attempt(app, "ada", "right", "198.51.100.99")).status).toBe(429); // usernames are case-insensitive
  });

  it("clears a username's count after a successful login, and can be tuned or turned off", async () => {
    const { app } = loginSite({ perUser: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 2; i++) await attempt(app, "ada", "wrong");
    expect((await attempt(app, "ada", "right")).status).toBe(303);
    for (let i = 0; i < 3; i++) expect((await attempt(app, "ada", "wrong")).status).toBe(303);
    expect((await attempt(app, "ada", "wrong")).status).toBe(429);
    const down: RateStore = { hit: () => Promise.reject(new Error("connection refused")), reset: () => Promise.resolve() };
    const unavailable = await attempt(loginSite({ store: down }).app, "ada", "right");
    expect(unavailable.status).toBe(503);
    expect(unavailable.header("retry-after")).toBe("5");
    expect((await attempt(loginSite({ store: down, failOpen: true }).app, "ada", "right")).status).toBe(303);
    const off = loginSite(false).app;
    for (let i = 0; i < 20; i++) expect((await attempt(off, "ada", "wrong")).status).toBe(303);
  });
});

describe.runIf(haveBinaries("redis-server"))("redisRateStore against redis-server", () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedis();
    client = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await client.connect();
  });
  afterAll(async () => {
    await client?.quit().catch(() => undefined);
    await server?.stop();
  });

  it("shares one limit between two limiters (two workers or machines) and expires its keys", async () => {
    const other = redisRateStore({ url: server.url, prefix: "t1:" });
    try {
      const one = rateLimiter({ limit: 4, windowMs: 60_000, store: redisRateStore({ client, prefix: "t1:" }) });
      const two = rateLimiter({ limit: 4, windowMs: 60_000, store: other });
      const results = [];
      for (let i = 0; i < 3; i++) results.push((await one.hit("ip")).allowed, (await two.hit("ip")).allowed);
      expect(results.filter(Boolean)).toHaveLength(4);
      expect((await one.hit("ip")).allowed).toBe(false);
      const keys = await client.keys("t1:rl:ip:*");
      expect(keys.length).toBeGreaterThanOrEqual(1);
      for (const key of keys) expect(await client.pttl(key)).toBeLessThanOrEqual(121_000);
      await two.reset("ip");
      expect((await one.hit("ip")).allowed).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("counts concurrent hits atomically", async () => {
    const limiter = rateLimiter({ limit: 25, windowMs: 60_000, store: redisRateStore({ client, prefix: "t2:" }) });
    const decisions = await Promise.all(Array.from({ length: 60 }, () => limiter.hit("burst")));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(25);
  });

  it("throttles formLogin for every process sharing the Redis", async () => {
    const KEYS = ["a-secret-of-at-least-32-bytes-long!"];
    const worker = () => sessions({ keys: KEYS })(formLogin({ authenticate: () => undefined, limits: { store: redisRateStore({ client, prefix: "t3:" }) } })(ok));
    const workers = [worker(), worker(), worker()];
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await request(workers[i % 3] as App, "POST", "/login", { form: { username: "penny", password: "x" } })).status);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2);
  });

  it("answers 503 while Redis is unreachable", async () => {
    const store = redisRateStore({ url: "redis://127.0.0.1:1", timeoutMs: 500 });
    const reply = await request(rateLimit({ limit: 5, windowMs: 60_000, store })(ok), "GET", "/");
    expect(reply.status).toBe(503);
    await store.close();
  });
});
