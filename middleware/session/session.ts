/** The session object apps see at `env["tsgi.session"]`. @module */

/** A flash message: shown once, on the next page that reads it. */
export interface Flash {
  category: string;
  message: string;
}

const FLASH_KEY = "_flashes";

/**
 * A session: JSON-serializable values by key, flash messages, and the two operations login and logout
 * need, {@link Session.regenerate} and {@link Session.destroy}. Changes are saved when the reply leaves
 * the session middleware.
 *
 * @example
 * ```ts
 * const session = getSession(env);
 * session.set("cart", [...(session.get<string[]>("cart") ?? []), isbn]);
 * session.flash("added to your cart");
 * ```
 */
export class Session {
  #data: Record<string, unknown>;
  #modified = false;
  #regenerated = false;
  #destroyed = false;

  /**
   * @param data the loaded values (copied)
   * @param isNew true when the request carried no valid session
   * @param id the server-side id, for store-backed sessions
   */
  constructor(data: Record<string, unknown>, readonly isNew: boolean, public id?: string) {
    this.#data = Object.assign(Object.create(null) as Record<string, unknown>, data);
  }

  /** The value stored under `key`, or undefined. */
  get<T = unknown>(key: string): T | undefined {
    return this.#data[key] as T | undefined;
  }

  has(key: string): boolean {
    return key in this.#data;
  }

  /** Stores a JSON-serializable value. `undefined` deletes the key. */
  set(key: string, value: unknown): void {
    if (value === undefined) {
      this.delete(key);
      return;
    }
    this.#data[key] = value;
    this.#modified = true;
  }

  delete(key: string): void {
    if (!(key in this.#data)) return;
    delete this.#data[key];
    this.#modified = true;
  }

  /** Removes every value (the session id stays; use {@link destroy} on logout). */
  clear(): void {
    if (Object.keys(this.#data).length === 0) return;
    this.#data = Object.create(null) as Record<string, unknown>;
    this.#modified = true;
  }

  /** A plain copy of every value. */
  toJSON(): Record<string, unknown> {
    return { ...this.#data };
  }

  /** Queues a message for the next page that calls {@link flashes}. */
  flash(message: string, category = "info"): void {
    const queued = this.get<Flash[]>(FLASH_KEY) ?? [];
    this.set(FLASH_KEY, [...queued, { category, message }]);
  }

  /** Returns and removes the queued flash messages. */
  flashes(): Flash[] {
    const queued = this.get<Flash[]>(FLASH_KEY);
    if (queued === undefined) return [];
    this.delete(FLASH_KEY);
    return Array.isArray(queued) ? queued.filter((f) => typeof f?.message === "string") : [];
  }

  /**
   * Issues a new session id keeping the values; call it on login (and any privilege change) so an id an
   * attacker planted before login is worthless afterwards (session fixation). The old id is deleted.
   */
  regenerate(): void {
    this.#regenerated = true;
    this.#modified = true;
  }

  /**
   * Ends the session for good: server state is deleted (a cookie session's id is revoked) and the cookie
   * is cleared; a request of this session still in flight cannot bring it back. Call it on logout. Values
   * set afterwards (a "logged out" flash) go into a brand-new session with a new id.
   */
  destroy(): void {
    this.#destroyed = true;
    this.#regenerated = true;
    this.#modified = true;
    this.#data = Object.create(null) as Record<string, unknown>;
  }

  /** True when values changed during this request. */
  get modified(): boolean {
    return this.#modified;
  }

  get regenerated(): boolean {
    return this.#regenerated;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** True when there are no values. */
  get empty(): boolean {
    return Object.keys(this.#data).length === 0;
  }
}
