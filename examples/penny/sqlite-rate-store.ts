/**
 * The login-attempt counter store in Penny's SQLite file, so the limits hold across every process on the
 * machine (pool workers, CGI requests) instead of multiplying by the number of processes. For several
 * machines Penny counts in Redis instead (PENNY_REDIS_URL).
 */
import type { RateStore } from "tsgi/middleware/rate-limit";
import type { Library } from "./library.js";

export function sqliteRateStore(library: Library, now: () => number = Date.now): RateStore {
  const db = library.db;
  const count = db.prepare("INSERT INTO rate_hits (key, window, count, expires_at) VALUES (?, ?, 1, ?) ON CONFLICT(key, window) DO UPDATE SET count = count + 1 RETURNING count");
  const previous = db.prepare("SELECT count FROM rate_hits WHERE key = ? AND window = ?");
  const sweep = db.prepare("DELETE FROM rate_hits WHERE expires_at <= ?");
  const reset = db.prepare("DELETE FROM rate_hits WHERE key = ?");
  // One transaction: the hit and the read of the previous window are atomic across processes.
  const hit = db.transaction((key: string, window: number, windowMs: number) => {
    const time = now();
    sweep.run(time);
    const current = (count.get(key, window, time + 2 * windowMs) as { count: number }).count;
    const before = previous.get(key, window - 1) as { count: number } | undefined;
    return { current, previous: before?.count ?? 0 };
  });
  return {
    async hit(key, window, windowMs) {
      return hit.immediate(key, window, windowMs);
    },
    async reset(key) {
      reset.run(key);
    },
  };
}
