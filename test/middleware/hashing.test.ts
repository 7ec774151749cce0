// Bounded scrypt (issue 12 item 9): many concurrent password checks must not starve file I/O, which
// needs the same libuv thread pool. Loops of wrong passwords run while a static file is fetched; the
// file's latency stays bounded. Every loop is bounded in count and time.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { request } from "tsgi/testing";
import { configureHashing, hashPassword, passwordAuthenticator, verifyPassword } from "tsgi/middleware/password";
import { staticFiles } from "tsgi/middleware/static";
import { tempDir } from "../support/daemon.js";

const COST = { logN: 15, r: 8, p: 1 }; // 32 MiB, ~80 ms here: slow enough to fill the pool, quick enough to test
const dir = tempDir("tsgi-hashing-");
writeFileSync(join(dir.path, "page.css"), "body { color: black }\n".repeat(200));
afterAll(() => dir.remove());
const files = staticFiles({ root: dir.path })((): ReturnType<App> => ({ status: 404, headers: [], body: "" }));

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Median latency of `fetches` sequential static fetches while `loops` loops check wrong passwords. */
async function staticLatencyUnderLogins(loops: number, fetches: number): Promise<{ median: number; hashes: number }> {
  const stored = await hashPassword("the right one", COST);
  const authenticate = passwordAuthenticator((name) => (name === "penny" ? { user: { id: name }, hash: stored } : undefined), COST);
  let done = false;
  let hashes = 0;
  const deadline = Date.now() + 15_000;
  const guessing = Array.from({ length: loops }, async () => {
    for (let i = 0; i < 40 && !done && Date.now() < deadline; i++) {
      await authenticate("penny", `guess ${i}`);
      hashes++;
    }
  });
  const latencies: number[] = [];
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the guessing fill the pool first
  for (let i = 0; i < fetches && Date.now() < deadline; i++) {
    const start = performance.now();
    const reply = await request(files, "GET", "/page.css");
    latencies.push(performance.now() - start);
    expect(reply.status).toBe(200);
  }
  done = true;
  await Promise.all(guessing);
  return { median: median(latencies), hashes };
}

describe("password hashing", () => {
  it("keeps a static file fast while 16 clients guess passwords at once", async () => {
    const { median: ms, hashes } = await staticLatencyUnderLogins(16, 15);
    console.log(`static file median ${ms.toFixed(1)} ms under 16 concurrent login loops (${hashes} hashes)`);
    expect(hashes).toBeGreaterThan(0);
    expect(ms).toBeLessThan(250);
  }, 60_000);

  it("still answers every check correctly, and refuses a queue beyond maxQueue with a 503", async () => {
    const stored = await hashPassword("pw", COST);
    const before = configureHashing({});
    try {
      configureHashing({ concurrency: 1, maxQueue: 3 });
      const checks = Array.from({ length: 6 }, (_, i) => verifyPassword(i === 0 ? "pw" : "nope", stored));
      const results = await Promise.allSettled(checks);
      expect(results.slice(0, 4).map((r) => (r.status === "fulfilled" ? r.value : r.reason))).toEqual([true, false, false, false]);
      for (const result of results.slice(4)) {
        expect(result.status).toBe("rejected");
        expect((result as PromiseRejectedResult).reason).toMatchObject({ status: 503 });
      }
      expect(() => configureHashing({ concurrency: 0 })).toThrow(/positive integer/);
    } finally {
      configureHashing(before);
    }
  });
});
