/**
 * `tsgi/middleware/csrf`: cross-site request forgery protection in two layers. Every unsafe request
 * (POST, PUT, PATCH, DELETE...) must come from this site by the browser's own word (`Sec-Fetch-Site`,
 * else `Origin`), AND carry the session's token in a form field or header. Tokens are masked afresh on
 * each render (BREACH) and compared in constant time.
 *
 * @example
 * ```ts
 * import { csrf, csrfToken } from "tsgi/middleware/csrf";
 * const form: App = (env) => html(`<form method="post"><input type="hidden" name="_csrf" value="${csrfToken(env)}">...`);
 * export default stack(sessions({ keys }), csrf(), form);
 * ```
 * @module
 */
import { randomBytes } from "node:crypto";
import { readBody, RequestInput, type App, type Env, type Middleware, type Reply } from "tsgi";
import { safeEqual } from "./lib/bytes.js";
import { findSession, getSession } from "./session.js";

/** The env key holding a function that returns a fresh masked token. */
export const CSRF_TOKEN_KEY = "tsgi.csrf_token";
const SECRET_KEY = "_csrf_secret";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** Options for {@link csrf}. */
export interface CsrfOptions {
  /** Other origins allowed to post here, exactly as browsers send them: `https://admin.example.com`. */
  trustedOrigins?: readonly string[];
  /** Require the token as well as the origin check. Default true (needs `sessions()` outside). */
  token?: boolean;
  /** Form field holding the token. Default `_csrf`. */
  field?: string;
  /** Header holding the token (for fetch/XHR). Default `x-csrf-token`. */
  header?: string;
  /** Largest urlencoded body read to find the token. Default 1 MiB. */
  bodyLimit?: number;
  /**
   * Unsafe requests that need no token (the origin check still applies to them):
   * - `"bearer"`: requests sending `Authorization: Bearer …`. A browser never attaches that header by
   *   itself, and another site's page cannot set it without a CORS preflight you allowed, so such a
   *   request was not forged — provided the app authenticates it by the token alone (`bearerAuth()`
   *   without `optional`), never by the session cookie that may ride along.
   * - `"no-session"`: requests that carry no valid session cookie: there is no logged-in session to
   *   ride on. Not for apps that also accept HTTP Basic or client certificates, which browsers send by
   *   themselves.
   */
  exempt?: ReadonlyArray<CsrfExemption>;
}

/** The kinds of request {@link CsrfOptions.exempt} can spare the token. */
export type CsrfExemption = "bearer" | "no-session";

const EXEMPTIONS: Record<CsrfExemption, (env: Env) => boolean> = {
  bearer: (env) => /^bearer +\S/i.test(env.HTTP_AUTHORIZATION ?? ""),
  "no-session": (env) => findSession(env)?.isNew !== false,
};

/**
 * A token for the current session to put in a form field or header. Each call returns a differently
 * masked form of the same secret; all of them are valid.
 */
export function csrfToken(env: Env): string {
  const make = env[CSRF_TOKEN_KEY];
  if (typeof make !== "function") throw new Error("no CSRF token in env: wrap the app in csrf() from tsgi/middleware/csrf (inside sessions())");
  return (make as () => string)();
}

/**
 * Drops the session's CSRF secret, so tokens issued so far stop working and the next page gets new
 * ones. `login()` calls it: a token an attacker obtained for the anonymous session is worthless once
 * the victim has logged in. Needs `sessions()` around the app.
 *
 * @example
 * ```ts
 * session.regenerate(); rotateCsrfToken(env); // on any change of privilege
 * ```
 */
export function rotateCsrfToken(env: Env): void {
  getSession(env).delete(SECRET_KEY);
}

function secretOf(env: Env, create: boolean): Buffer | undefined {
  const session = getSession(env);
  const stored = session.get<string>(SECRET_KEY);
  if (typeof stored === "string" && stored.length === 43) return Buffer.from(stored, "base64url");
  if (!create) return undefined;
  const secret = randomBytes(32);
  session.set(SECRET_KEY, secret.toString("base64url"));
  return secret;
}

function mask(secret: Buffer): string {
  const pad = randomBytes(secret.byteLength);
  const masked = Buffer.alloc(secret.byteLength);
  for (let i = 0; i < secret.byteLength; i++) masked[i] = (secret[i] as number) ^ (pad[i] as number);
  return Buffer.concat([pad, masked]).toString("base64url");
}

function unmaskMatches(token: string, secret: Buffer): boolean {
  if (!/^[A-Za-z0-9_-]{86}$/.test(token)) return false;
  const bytes = Buffer.from(token, "base64url");
  if (bytes.byteLength !== secret.byteLength * 2) return false;
  const candidate = Buffer.alloc(secret.byteLength);
  for (let i = 0; i < secret.byteLength; i++) candidate[i] = (bytes[i] as number) ^ (bytes[i + secret.byteLength] as number);
  return safeEqual(candidate, secret);
}

const refuse = (why: string): Reply => ({ status: 403, headers: [["content-type", "text/plain; charset=utf-8"]], body: `CSRF check failed: ${why}\n` });

function checkOrigin(env: Env, trusted: ReadonlySet<string>): string | undefined {
  const origin = env.HTTP_ORIGIN;
  const own = `${env["tsgi.url_scheme"]}://${env.HTTP_HOST ?? env.SERVER_NAME}`.toLowerCase();
  if (origin !== undefined && origin !== "null" && (origin.toLowerCase() === own || trusted.has(origin.toLowerCase()))) return undefined;
  const site = env.HTTP_SEC_FETCH_SITE;
  if (site !== undefined) {
    if (site === "same-origin" || site === "none") return undefined;
    return `the browser says this request is ${site}; forms may only be posted from this site`;
  }
  if (origin === undefined) return undefined; // not a browser, or a very old one: the token decides
  return `origin ${origin} is not ${own}${trusted.size > 0 ? " or a trusted origin" : ""}`;
}

/**
 * CSRF protection. Unsafe requests from another site (by `Sec-Fetch-Site`, else `Origin`) get 403, and
 * unless `token: false`, so do unsafe requests without the session's token in the `_csrf` form field
 * (urlencoded bodies) or the `X-CSRF-Token` header. The body read to find the token is handed on intact.
 * `exempt` spares API requests the token: those sending a bearer token, or carrying no session.
 *
 * @example
 * ```ts
 * stack(sessions({ keys }), csrf({ exempt: ["bearer"] }), site); // API clients send a token, not a CSRF token
 * ```
 */
export function csrf(options: CsrfOptions = {}): Middleware {
  const trusted = new Set((options.trustedOrigins ?? []).map((origin) => {
    if (!/^https?:\/\/[^/\s]+$/i.test(origin)) throw new TypeError(`trusted origin ${JSON.stringify(origin)} must look like https://host[:port] with no path or trailing slash`);
    return origin.toLowerCase();
  }));
  const useToken = options.token ?? true;
  const field = options.field ?? "_csrf";
  const headerKey = "HTTP_" + (options.header ?? "x-csrf-token").toUpperCase().replaceAll("-", "_");
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const exempt = (options.exempt ?? []).map((name) => {
    const test = EXEMPTIONS[name];
    if (typeof test !== "function") throw new TypeError(`unknown csrf exemption ${JSON.stringify(name)}: use "bearer" or "no-session"`);
    return test;
  });
  return (app: App): App => async (env: Env): Promise<Reply> => {
    if (useToken) env[CSRF_TOKEN_KEY] = () => mask(secretOf(env, true) as Buffer);
    if (SAFE_METHODS.has(env.REQUEST_METHOD)) return app(env);
    const problem = checkOrigin(env, trusted);
    if (problem !== undefined) return refuse(problem);
    if (!useToken || exempt.some((test) => test(env))) return app(env);
    let submitted = env[headerKey];
    if (typeof submitted !== "string" && (env.CONTENT_TYPE ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      const body = await readBody(env, { limit: bodyLimit });
      env["tsgi.input"] = new RequestInput((async function* () { if (body.byteLength > 0) yield body; })());
      submitted = new URLSearchParams(new TextDecoder().decode(body)).get(field) ?? undefined;
    }
    if (typeof submitted !== "string" || submitted === "") return refuse(`no token: send the ${field} form field or the ${options.header ?? "X-CSRF-Token"} header (csrfToken(env))`);
    const secret = secretOf(env, false);
    if (secret === undefined || !unmaskMatches(submitted, secret)) return refuse("the token is wrong or expired; reload the form and try again");
    return app(env);
  };
}
