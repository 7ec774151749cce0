/**
 * `tsgi/middleware/session`: sessions in a signed (optionally encrypted) cookie by default, or in a
 * server-side {@link Store} (memory, Redis, your own) when one is given.
 *
 * @example
 * ```ts
 * import { sessions, getSession } from "tsgi/middleware/session";
 * const app: App = (env) => {
 *   const session = getSession(env);
 *   session.set("visits", (session.get<number>("visits") ?? 0) + 1);
 *   return { status: 200, headers: [], body: `visit ${session.get("visits")}` };
 * };
 * export default sessions({ keys: [process.env.SESSION_KEY!] })(app);
 * ```
 * @module
 */
import { randomBytes } from "node:crypto";
import { HttpError, type App, type Env, type HeaderList, type Middleware, type Reply } from "tsgi";
import { checkCookieOptions, MAX_COOKIE_BYTES, readCookie, setCookie, type CookieOptions } from "./lib/cookie.js";
import { decodeCookie, deriveKeys, encodeCookie, type SecretKey } from "./session/codec.js";
import { memoryStore } from "./session/memory-store.js";
import { Session } from "./session/session.js";
import { isStoredSession, type Store, type StoredSession } from "./session/store.js";

export { Session, type Flash } from "./session/session.js";
export { memoryStore, type MemoryStoreOptions } from "./session/memory-store.js";
export type { Store, StoredSession } from "./session/store.js";
export type { SecretKey } from "./session/codec.js";
export type { CookieOptions } from "./lib/cookie.js";

/** The env key holding the {@link Session}. */
export const SESSION_KEY = "tsgi.session";

/** Options for {@link sessions}. */
export interface SessionOptions {
  /**
   * Secrets of at least 32 bytes, NEWEST FIRST: the first signs, every one is accepted, so a key is
   * rotated by putting a new one in front and dropping the last once old cookies have expired.
   * Required for cookie sessions; unused with a store.
   */
  keys?: readonly SecretKey[];
  /** A server-side store. Absent: the session lives in the signed cookie itself. */
  store?: Store;
  /**
   * Cookie sessions: where logouts are remembered, so a cookie copied before a logout is refused
   * afterwards (each cookie carries a random session id; `destroy()` revokes it until the cookie would
   * have expired). Default a `memoryStore()` in this process: behind a pool, CGI or several machines pass
   * a shared store (`redisStore()`), or every process must see the logout. `false` turns revocation off:
   * a copied cookie then stays valid until `maxAge`.
   */
  revocations?: Store | false;
  /** Lifetime in seconds. Cookie sessions: since last (re)issue; store sessions: idle time. Default 14 days. */
  maxAge?: number;
  /** Cookie sessions: encrypt with AES-256-GCM so the client cannot read the values. Default false. */
  encrypt?: boolean;
  /** Seconds a cookie's issue time may lie in the future (clock skew between machines). Default 60. */
  clockSkew?: number;
  /** Cookie attributes; defaults HttpOnly, Path=/, SameSite=Lax, Secure over https, name `session`. */
  cookie?: CookieOptions;
  /** Clock in milliseconds (tests inject one). Default `Date.now`. */
  now?: () => number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new session id: 256 random bits, base64url. */
export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The request's session. Throws an error naming the fix when no `sessions()` middleware wraps the app.
 *
 * @example
 * ```ts
 * getSession(env).flash("saved");
 * ```
 */
export function getSession(env: Env): Session {
  const session = env[SESSION_KEY];
  if (!(session instanceof Session)) throw new Error('no session in env["tsgi.session"]: wrap the app in sessions({ keys }) from tsgi/middleware/session');
  return session;
}

/** The request's session, or undefined when no session middleware is installed. */
export function findSession(env: Env): Session | undefined {
  const session = env[SESSION_KEY];
  return session instanceof Session ? session : undefined;
}

interface Backend {
  load(env: Env, now: number): Promise<Session>;
  commit(env: Env, session: Session, headers: HeaderList, now: number): Promise<HeaderList>;
}

type CheckedCookie = ReturnType<typeof checkCookieOptions>;

const REVOKED = "revoked:";

function cookieBackend(options: SessionOptions, cookie: CheckedCookie, maxAge: number): Backend {
  const keys = deriveKeys(options.keys ?? []);
  const encrypt = options.encrypt ?? false;
  const skew = options.clockSkew ?? 60;
  const revocations = options.revocations === false ? undefined : options.revocations ?? memoryStore({ max: 100_000 });
  const issued = new WeakMap<Session, number>();
  const revoked = async (env: Env, sid: string): Promise<boolean> =>
    revocations !== undefined && (await guarded(env, revocations.get(REVOKED + sid))) !== undefined;
  return {
    async load(env, now) {
      const value = readCookie(env, cookie.name);
      const payload = value === undefined ? undefined : decodeCookie(keys, cookie.name, value, Math.floor(now / 1000), skew);
      // With revocations on, a cookie without an id (made before ids existed) cannot be revoked: refuse it.
      if (payload === undefined || (revocations !== undefined && (payload.sid === undefined || await revoked(env, payload.sid)))) return new Session({}, true);
      const session = new Session(payload.data, false, payload.sid);
      issued.set(session, payload.issuedAt);
      return session;
    },
    async commit(env, session, headers, now) {
      const seconds = Math.floor(now / 1000);
      const loadedId = session.isNew ? undefined : session.id;
      if (session.destroyed && loadedId !== undefined && revocations !== undefined) {
        // Outlives every cookie issued with this id so far: none is valid longer than maxAge (+ skew).
        await guarded(env, revocations.set(REVOKED + loadedId, { data: {}, cookieIssuedAt: seconds }, (maxAge + skew) * 1000));
      }
      if (session.empty && session.modified) {
        return session.isNew ? headers : [...headers, ["set-cookie", setCookie(env, cookie, "", 0)]];
      }
      const issuedAt = issued.get(session);
      const stale = issuedAt !== undefined && seconds - issuedAt > maxAge / 2;
      if (session.empty || !(session.modified || stale)) return headers;
      if (session.regenerated || session.id === undefined) session.id = newSessionId();
      else if (await revoked(env, session.id)) return headers; // logged out while this request ran: do not revive it
      const value = encodeCookie(keys, cookie.name, { data: session.toJSON(), issuedAt: seconds, expiresAt: seconds + maxAge, sid: session.id }, encrypt);
      const header = setCookie(env, cookie, value, maxAge);
      if (header.length > MAX_COOKIE_BYTES) {
        throw new HttpError(500, `the session cookie would be ${header.length} bytes; browsers drop cookies over ${MAX_COOKIE_BYTES} bytes: keep less in the session or use a server-side store (sessions({ store }))`, { expose: false });
      }
      return [...headers, ["set-cookie", header]];
    },
  };
}

async function guarded<T>(env: Env, operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    env["tsgi.errors"].write(`tsgi session store failed: ${error instanceof Error ? error.message : String(error)}`);
    throw new HttpError(503, "the session store is unavailable; try again shortly", { expose: true, headers: [["retry-after", "5"]], cause: error });
  }
}

function storeBackend(store: Store, cookie: CheckedCookie, maxAge: number): Backend {
  const ttl = maxAge * 1000;
  const cookieAt = new WeakMap<Session, number>();
  return {
    async load(env, _now) {
      const id = readCookie(env, cookie.name);
      if (id === undefined || !ID_PATTERN.test(id)) return new Session({}, true);
      const stored: StoredSession | undefined = await guarded(env, store.get(id));
      if (stored === undefined || !isStoredSession(stored)) return new Session({}, true);
      const session = new Session(stored.data, false, id);
      cookieAt.set(session, stored.cookieIssuedAt);
      return session;
    },
    async commit(env, session, headers, now) {
      const seconds = Math.floor(now / 1000);
      const oldId = session.id;
      if (session.empty && session.modified) {
        if (oldId !== undefined) await guarded(env, store.destroy(oldId));
        return session.isNew ? headers : [...headers, ["set-cookie", setCookie(env, cookie, "", 0)]];
      }
      if (session.empty && session.isNew) return headers;
      const issuedAt = cookieAt.get(session);
      const stale = issuedAt === undefined || seconds - issuedAt > maxAge / 2;
      if (!session.modified && !stale && oldId !== undefined) {
        await guarded(env, store.touch(oldId, ttl));
        return headers;
      }
      const value: StoredSession = { data: session.toJSON(), cookieIssuedAt: seconds };
      if (oldId !== undefined && !session.regenerated) {
        // Only an entry that still exists is written: a logout meanwhile stays final.
        if (!(await guarded(env, replaceExisting(store, oldId, value, ttl)))) return headers;
        return [...headers, ["set-cookie", setCookie(env, cookie, oldId, maxAge)]];
      }
      if (oldId !== undefined) await guarded(env, store.destroy(oldId));
      const id = newSessionId();
      session.id = id;
      await guarded(env, store.set(id, value, ttl));
      return [...headers, ["set-cookie", setCookie(env, cookie, id, maxAge)]];
    },
  };
}

async function replaceExisting(store: Store, id: string, value: StoredSession, ttl: number): Promise<boolean> {
  if (store.replace !== undefined) return store.replace(id, value, ttl);
  if ((await store.get(id)) === undefined) return false;
  await store.set(id, value, ttl);
  return true;
}

/**
 * Session middleware. With `keys` only, the values live in a signed cookie (HMAC-SHA256, or
 * AES-256-GCM with `encrypt: true`) holding its own issue and expiry times; with `store`, the cookie
 * holds only a random 256-bit id and the values live in the store, expiring after `maxAge` idle
 * seconds and refreshed on every use. A store that fails gives a 503. Bad cookies (tampered,
 * truncated, expired, from the future, oversized) simply start a new session. Logout
 * (`session.destroy()`) is final: a store session is deleted and a request of it still in flight cannot
 * write it back; a cookie session's id is revoked in `revocations`, so a copy of the cookie is refused.
 *
 * @example
 * ```ts
 * const site = sessions({ keys: [newest, previous], encrypt: true })(app);
 * const shared = sessions({ store: redisStore({ client: redis }) })(app);
 * ```
 */
export function sessions(options: SessionOptions): Middleware {
  const maxAge = options.maxAge ?? 14 * 24 * 3600;
  if (!Number.isFinite(maxAge) || maxAge <= 0) throw new TypeError(`sessions maxAge must be a positive number of seconds; got ${String(maxAge)}`);
  const cookie = checkCookieOptions(options.cookie ?? {}, "session");
  const backend = options.store !== undefined ? storeBackend(options.store, cookie, maxAge) : cookieBackend(options, cookie, maxAge);
  const now = options.now ?? Date.now;
  return (app: App): App => async (env: Env): Promise<Reply> => {
    const session = await backend.load(env, now());
    env[SESSION_KEY] = session;
    const reply = await app(env);
    const headers = await backend.commit(env, session, reply.headers, now());
    return headers === reply.headers ? reply : { ...reply, headers };
  };
}
