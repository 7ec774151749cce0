/** A bounded, expiring in-process session store. @module */
import type { Store, StoredSession } from "./store.js";

/** Options for {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most sessions kept; the least recently used is evicted beyond it. Default 10 000. */
  max?: number;
  /** Clock in milliseconds (tests inject one). Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  json: string;
  expiresAt: number;
}

/**
 * An in-memory {@link Store}: bounded (least recently used evicted) and expiring (expired entries are
 * never returned and are swept as new ones arrive), with no timers, so it cannot leak or keep a process
 * alive. It lives in one process: behind a pool or several machines use a shared store (Redis).
 *
 * @example
 * ```ts
 * const site = sessions({ keys: [process.env.SESSION_KEY!], store: memoryStore({ max: 5000 }) })(app);
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): Store & { readonly size: number } {
  const max = options.max ?? 10_000;
  if (!Number.isInteger(max) || max < 1) throw new TypeError(`memoryStore max must be a positive integer; got ${String(max)}`);
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const sweep = (limit: number): void => {
    const time = now();
    let checked = 0;
    for (const [id, entry] of entries) {
      if (checked++ >= limit) break;
      if (entry.expiresAt <= time) entries.delete(id);
    }
  };

  const live = (id: string): Entry | undefined => {
    const entry = entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(id);
      return undefined;
    }
    entries.delete(id);
    entries.set(id, entry); // most recently used goes last
    return entry;
  };

  return {
    get size() {
      return entries.size;
    },
    async get(id) {
      const entry = live(id);
      return entry === undefined ? undefined : (JSON.parse(entry.json) as StoredSession);
    },
    async set(id, value, ttlMs) {
      entries.delete(id);
      entries.set(id, { json: JSON.stringify(value), expiresAt: now() + ttlMs });
      sweep(8);
      while (entries.size > max) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
    async replace(id, value, ttlMs) {
      if (live(id) === undefined) return false;
      entries.set(id, { json: JSON.stringify(value), expiresAt: now() + ttlMs });
      return true;
    },
    async touch(id, ttlMs) {
      const entry = live(id);
      if (entry !== undefined) entry.expiresAt = now() + ttlMs;
    },
    async destroy(id) {
      entries.delete(id);
    },
  };
}
