import { describe, expect, it } from "vitest";
import { request } from "tsgi/testing";
import { memoryStore, type Store } from "tsgi/middleware/session";
import { storeCases, storeSite } from "./store-suite.js";
import { Jar, manualClock } from "./support.js";

describe("server-side sessions in the memory store", () => {
  const store = memoryStore();
  storeCases(() => store);

  it("answers 503 when the store is down, and says so in the log", async () => {
    const down: Store = {
      get: () => Promise.reject(new Error("connection refused")),
      set: () => Promise.reject(new Error("connection refused")),
      touch: () => Promise.reject(new Error("connection refused")),
      destroy: () => Promise.reject(new Error("connection refused")),
    };
    const fresh = await request(storeSite(down), "GET", "/touch");
    expect(fresh.status).toBe(503);
    const returning = await request(storeSite(down), "GET", "/", { headers: { cookie: `session=${"A".repeat(43)}` } });
    expect(returning.status).toBe(503);
    expect(returning.header("retry-after")).toBe("5");
    expect(returning.logs.join("\n")).toMatch(/session store failed: connection refused/);
  });
});

describe("server-side sessions in a store without replace()", () => {
  const inner = memoryStore();
  const store: Store = { get: (id) => inner.get(id), set: (id, value, ttl) => inner.set(id, value, ttl), touch: (id, ttl) => inner.touch(id, ttl), destroy: (id) => inner.destroy(id) };
  storeCases(() => store);
});

describe("memoryStore", () => {
  it("expires entries after their TTL, and a touch pushes the expiry back", async () => {
    const clock = manualClock();
    const store = memoryStore({ now: clock.now });
    await store.set("a", { data: { n: 1 }, cookieIssuedAt: 0 }, 1000);
    clock.advance(900);
    await store.touch("a", 1000);
    clock.advance(900);
    expect(await store.get("a")).toEqual({ data: { n: 1 }, cookieIssuedAt: 0 });
    clock.advance(1001);
    expect(await store.get("a")).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("is bounded: the least recently used session goes first", async () => {
    const store = memoryStore({ max: 3 });
    for (const id of ["a", "b", "c"]) await store.set(id, { data: {}, cookieIssuedAt: 0 }, 60_000);
    await store.get("a");
    await store.set("d", { data: {}, cookieIssuedAt: 0 }, 60_000);
    expect(store.size).toBe(3);
    expect(await store.get("b")).toBeUndefined();
    expect(await store.get("a")).toBeDefined();
    for (let i = 0; i < 10_000; i++) await store.set(`x${i}`, { data: {}, cookieIssuedAt: 0 }, 60_000);
    expect(store.size).toBe(3);
  });

  it("sweeps expired sessions as new ones arrive", async () => {
    const clock = manualClock();
    const store = memoryStore({ now: clock.now });
    for (let i = 0; i < 100; i++) await store.set(`old${i}`, { data: {}, cookieIssuedAt: 0 }, 1000);
    clock.advance(2000);
    for (let i = 0; i < 20; i++) await store.set(`new${i}`, { data: {}, cookieIssuedAt: 0 }, 1000);
    expect(store.size).toBe(20);
  });

  it("refreshes the TTL and re-sends the cookie only after half the lifetime", async () => {
    const clock = manualClock();
    const store = memoryStore({ now: clock.now });
    const { sessions, getSession } = await import("tsgi/middleware/session");
    const app = sessions({ store, maxAge: 100, now: clock.now })((env) => {
      const session = getSession(env);
      if (env.PATH_INFO === "/login") session.set("user", "ada");
      return { status: 200, headers: [], body: String(session.get("user") ?? "-") };
    });
    const jar = new Jar();
    jar.take(await request(app, "GET", "/login"));
    for (let i = 0; i < 5; i++) {
      clock.advance(40_000); // 200 s in all, well beyond maxAge: each use refreshes the TTL
      const reply = jar.take(await request(app, "GET", "/", { headers: jar.headers() }));
      expect(reply.text).toBe("ada");
    }
    clock.advance(101_000);
    expect((await request(app, "GET", "/", { headers: jar.headers() })).text).toBe("-");
  });
});
