/**
 * A session Store in Penny's SQLite file: shared by every process on the machine (pool workers, CGI
 * requests), so a login made by one worker is seen by the next and a logout ends it everywhere.
 * For several machines use the Redis store instead (PENNY_REDIS_URL). `replace` is one UPDATE of a live
 * row, so a slow request of a session logged out meanwhile cannot write it back.
 */
import type { Store, StoredSession } from "tsgi/middleware/session";
import type { Library } from "./library.js";

export function sqliteStore(library: Library, now: () => number = Date.now): Store {
  const db = library.db;
  const select = db.prepare("SELECT value FROM sessions WHERE id = ? AND expires_at > ?");
  const upsert = db.prepare("INSERT INTO sessions (id, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at");
  const replace = db.prepare("UPDATE sessions SET value = ?, expires_at = ? WHERE id = ? AND expires_at > ?");
  const touch = db.prepare("UPDATE sessions SET expires_at = ? WHERE id = ? AND expires_at > ?");
  const remove = db.prepare("DELETE FROM sessions WHERE id = ?");
  const sweep = db.prepare("DELETE FROM sessions WHERE expires_at <= ?");
  return {
    async get(id) {
      const row = select.get(id, now()) as { value: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.value) as StoredSession);
    },
    async set(id, value, ttlMs) {
      const time = now();
      sweep.run(time);
      upsert.run(id, JSON.stringify(value), time + ttlMs);
    },
    async replace(id, value, ttlMs) {
      const time = now();
      return replace.run(JSON.stringify(value), time + ttlMs, id, time).changes > 0;
    },
    async touch(id, ttlMs) {
      const time = now();
      touch.run(time + ttlMs, id, time);
    },
    async destroy(id) {
      remove.run(id);
    },
  };
}
