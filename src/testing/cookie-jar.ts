/** The test client's cookie jar: keeps Set-Cookie like a browser on one host. @module */
import { parseSetCookie } from "cookie";

interface Stored {
  value: string;
  path: string;
  expires: number | undefined;
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length) === "/";
}

function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf("/");
  return slash <= 0 ? "/" : requestPath.slice(0, slash);
}

/**
 * Cookies by name and path (RFC 6265 §5.1.4 path matching; one host, so `Domain` is ignored and
 * `Secure` cookies are sent, as browsers do for localhost). Values are kept as sent, undecoded.
 *
 * @example
 * ```ts
 * const client = new TestClient(app, {}, { cookies: true });
 * await client.post("/login", { form: { username: "ada", password: "pw" } });
 * client.cookies.get("sid"); // the session cookie the app set
 * ```
 */
export class CookieJar {
  readonly #cookies = new Map<string, Stored>();

  /** Stores the reply's `Set-Cookie` headers for a request to `requestPath`; expired ones delete. */
  store(setCookies: readonly string[], requestPath: string, now = Date.now()): void {
    for (const header of setCookies) {
      const parsed = parseSetCookie(header, { decode: (value) => value });
      if (parsed.name === "") continue;
      const path = parsed.path !== undefined && parsed.path.startsWith("/") ? parsed.path : defaultPath(requestPath);
      const key = `${path}\u0000${parsed.name}`;
      const expires = parsed.maxAge !== undefined ? now + parsed.maxAge * 1000 : parsed.expires?.getTime();
      if (expires !== undefined && expires <= now) this.#cookies.delete(key);
      else this.#cookies.set(key, { value: parsed.value ?? "", path, expires });
    }
  }

  /** The `Cookie` header for a request to `requestPath`, or undefined when no cookie applies. */
  header(requestPath: string, now = Date.now()): string | undefined {
    const matching: Array<[string, Stored]> = [];
    for (const [key, cookie] of this.#cookies) {
      if (cookie.expires !== undefined && cookie.expires <= now) {
        this.#cookies.delete(key);
        continue;
      }
      if (pathMatches(requestPath, cookie.path)) matching.push([key.slice(key.indexOf("\u0000") + 1), cookie]);
    }
    if (matching.length === 0) return undefined;
    matching.sort((a, b) => b[1].path.length - a[1].path.length);
    return matching.map(([name, cookie]) => `${name}=${cookie.value}`).join("; ");
  }

  /** A cookie's value (the most specific path first), as the app sent it. */
  get(name: string): string | undefined {
    let best: Stored | undefined;
    for (const [key, cookie] of this.#cookies) {
      if (key.slice(key.indexOf("\u0000") + 1) === name && (best === undefined || cookie.path.length > best.path.length)) best = cookie;
    }
    return best?.value;
  }

  /** Sets a cookie by hand (path `/` unless given). */
  set(name: string, value: string, path = "/"): void {
    this.#cookies.set(`${path}\u0000${name}`, { value, path, expires: undefined });
  }

  /** Forgets one cookie (every path) or, without a name, all of them. */
  clear(name?: string): void {
    if (name === undefined) this.#cookies.clear();
    else for (const key of [...this.#cookies.keys()]) if (key.slice(key.indexOf("\u0000") + 1) === name) this.#cookies.delete(key);
  }

  /** Names and values, for assertions. */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, cookie] of this.#cookies) out[key.slice(key.indexOf("\u0000") + 1)] = cookie.value;
    return out;
  }
}
