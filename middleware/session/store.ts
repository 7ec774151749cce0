/** The server-side session store interface. @module */

/**
 * Where server-side sessions live. Values are plain JSON-serializable objects; `ttlMs` is how long the
 * entry may live without use. Any method may reject when the backend is down: the session middleware
 * answers 503 then.
 *
 * @example
 * ```ts
 * const store: Store = memoryStore({ max: 10_000 });
 * app = sessions({ keys, store })(app);
 * ```
 */
export interface Store {
  /** The entry, or undefined when it is missing or expired. */
  get(id: string): Promise<StoredSession | undefined>;
  /** Creates or replaces the entry, expiring `ttlMs` from now. */
  set(id: string, value: StoredSession, ttlMs: number): Promise<void>;
  /**
   * Replaces an entry only if it exists, atomically; false when it is missing (destroyed by a logout, or
   * expired). The session middleware writes back a loaded session with it, so a slow request of a session
   * logged out meanwhile cannot bring it back. Without it the middleware checks with `get` first, which
   * leaves a window of one round trip: implement it in every store you write.
   */
  replace?(id: string, value: StoredSession, ttlMs: number): Promise<boolean>;
  /** Pushes the expiry of an existing entry to `ttlMs` from now (refresh on use); a missing entry stays missing. */
  touch(id: string, ttlMs: number): Promise<void>;
  /** Deletes the entry; deleting a missing entry is not an error. */
  destroy(id: string): Promise<void>;
}

/** One stored session: its values and when its cookie was last (re)issued, in seconds since the epoch. */
export interface StoredSession {
  data: Record<string, unknown>;
  cookieIssuedAt: number;
}

/** True when a parsed value has the shape of a {@link StoredSession}. */
export function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== "object" || value === null) return false;
  const { data, cookieIssuedAt } = value as Partial<StoredSession>;
  return typeof data === "object" && data !== null && !Array.isArray(data) && typeof cookieIssuedAt === "number";
}
