/**
 * `tsgi/middleware/auth`: who the user is (HTTP Basic, bearer tokens, form login on a session) and
 * guards that require a user or a role. The user is at `env["tsgi.user"]` ({@link getUser}) and its id
 * in `REMOTE_USER`, as a CGI server would set it.
 *
 * @example
 * ```ts
 * import { sessionUser, formLogin, requireRole } from "tsgi/middleware/auth";
 * import { passwordAuthenticator } from "tsgi/middleware/password";
 * const site = stack(
 *   sessions({ keys }),
 *   sessionUser({ load: (id) => users.byId(id) }),
 *   formLogin({ authenticate: passwordAuthenticator((name) => users.byName(name)) }),
 *   app,
 * );
 * const admin = requireRole("admin")(adminApp);
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { HttpError, readText, type App, type Env, type Middleware, type Reply } from "tsgi";
import { rotateCsrfToken } from "./csrf.js";
import { encodeLocation } from "./lib/header-value.js";
import { loginThrottle, type LoginLimits } from "./auth/login-limits.js";
import { getSession } from "./session.js";

export type { AttemptLimit, LoginLimits } from "./auth/login-limits.js";

/** The least an authenticated user has: an id, optionally roles. */
export interface User {
  id: string;
  name?: string;
  roles?: readonly string[];
}

/** The env key holding the authenticated user. */
export const USER_KEY = "tsgi.user";
const SESSION_USER = "_auth_user";

/** The authenticated user, or undefined. */
export function getUser<U extends User = User>(env: Env): U | undefined {
  const user = env[USER_KEY];
  return typeof user === "object" && user !== null ? (user as U) : undefined;
}

function setUser(env: Env, user: User, type: string): void {
  env[USER_KEY] = user;
  env.REMOTE_USER = user.id;
  env.AUTH_TYPE = type;
}

const text = (status: number, body: string, headers: Array<[string, string]> = []): Reply => ({
  status, headers: [["content-type", "text/plain; charset=utf-8"], ...headers], body: body + "\n",
});

function quotedRealm(realm: string): string {
  if (/["\\\r\n]/.test(realm)) throw new TypeError(`realm ${JSON.stringify(realm)} must not contain quotes, backslashes or line breaks`);
  return `"${realm}"`;
}

/** Options for {@link basicAuth}. */
export interface BasicAuthOptions<U extends User> {
  /** Checks a username and password; `passwordAuthenticator` from tsgi/middleware/password fits. */
  verify: (username: string, password: string, env: Env) => U | undefined | Promise<U | undefined>;
  /** Shown by browsers in the login prompt. Default `"tsgi"`. */
  realm?: string;
  /** Let requests without credentials through (no user); wrong credentials still get 401. Default false. */
  optional?: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Splits `Authorization: <scheme> <credentials>`; the scheme is case-insensitive (RFC 9110 11.1). */
function authorization(env: Env): { scheme: string; credentials: string } | undefined {
  const header = env.HTTP_AUTHORIZATION;
  if (header === undefined) return undefined;
  const match = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)(?: +(.*))?$/.exec(header.trim());
  if (match === null) return { scheme: "", credentials: "" };
  return { scheme: (match[1] as string).toLowerCase(), credentials: (match[2] ?? "").trim() };
}

/**
 * HTTP Basic authentication (RFC 7617). Missing, malformed (bad base64, no `:`) or wrong credentials get
 * 401 with `WWW-Authenticate: Basic realm="...", charset="UTF-8"`. The user-id is split at the first `:`,
 * so passwords may contain colons. Note that CGI servers withhold the Authorization header unless
 * configured to pass it (Apache: `CGIPassAuth On`).
 */
export function basicAuth<U extends User>(options: BasicAuthOptions<U>): Middleware {
  const challenge: [string, string] = ["www-authenticate", `Basic realm=${quotedRealm(options.realm ?? "tsgi")}, charset="UTF-8"`];
  const refuse = (why: string): Reply => text(401, why, [challenge]);
  return (app: App): App => async (env: Env): Promise<Reply> => {
    const auth = authorization(env);
    if (auth === undefined || auth.scheme !== "basic") {
      return options.optional === true && auth === undefined ? app(env) : refuse("authentication required: send HTTP Basic credentials");
    }
    const { credentials } = auth;
    if (credentials === "" || credentials.length > 4096 || credentials.length % 4 !== 0 || !BASE64.test(credentials)) return refuse("malformed Basic credentials: expected base64 of user:password");
    let decoded: string;
    try {
      decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(credentials, "base64"));
    } catch {
      return refuse("malformed Basic credentials: not UTF-8");
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) return refuse("malformed Basic credentials: no ':' between user and password");
    const user = await options.verify(decoded.slice(0, colon), decoded.slice(colon + 1), env);
    if (user === undefined) return refuse("wrong username or password");
    setUser(env, user, "Basic");
    return app(env);
  };
}

/** Options for {@link bearerAuth}. */
export interface BearerAuthOptions<U extends User> {
  /** Checks a token; {@link tokenTable} builds one from a fixed list. */
  verify: (token: string, env: Env) => U | undefined | Promise<U | undefined>;
  realm?: string;
  /** Let requests without a token through (no user). Default false. */
  optional?: boolean;
}

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Bearer tokens (RFC 6750): `Authorization: Bearer <token>`. Missing → 401 with a `WWW-Authenticate: Bearer`
 * challenge; malformed → 400 `invalid_request`; unknown → 401 `invalid_token`.
 */
export function bearerAuth<U extends User>(options: BearerAuthOptions<U>): Middleware {
  const realm = `Bearer realm=${quotedRealm(options.realm ?? "tsgi")}`;
  return (app: App): App => async (env: Env): Promise<Reply> => {
    const auth = authorization(env);
    if (auth === undefined || auth.scheme !== "bearer") {
      if (options.optional === true && auth === undefined) return app(env);
      return text(401, "authentication required: send Authorization: Bearer <token>", [["www-authenticate", realm]]);
    }
    if (!B64TOKEN.test(auth.credentials) || auth.credentials.length > 4096) {
      return text(400, "malformed bearer token", [["www-authenticate", `${realm}, error="invalid_request"`]]);
    }
    const user = await options.verify(auth.credentials, env);
    if (user === undefined) return text(401, "invalid or expired token", [["www-authenticate", `${realm}, error="invalid_token"`]]);
    setUser(env, user, "Bearer");
    return app(env);
  };
}

/**
 * A bearer `verify` over a fixed table of tokens. Tokens are compared by their SHA-256 digest, so the
 * lookup takes the same time whatever prefix a guess shares with a real token.
 *
 * @example
 * ```ts
 * bearerAuth({ verify: tokenTable({ [process.env.API_TOKEN!]: { id: "ci", roles: ["deploy"] } }) })
 * ```
 */
export function tokenTable<U extends User>(tokens: Record<string, U>): (token: string) => U | undefined {
  const digest = (token: string): string => createHash("sha256").update(token).digest("base64");
  const table = new Map(Object.entries(tokens).map(([token, user]) => [digest(token), user]));
  return (token) => table.get(digest(token));
}

/**
 * Logs a user in on the session: issues a new session id (against session fixation), a new CSRF secret
 * (so a token from before the login, possibly an attacker's, stops working), stores the user id and sets
 * `env["tsgi.user"]`. Needs `sessions()` around the app.
 */
export function login(env: Env, user: User): void {
  const session = getSession(env);
  session.regenerate();
  rotateCsrfToken(env);
  session.set(SESSION_USER, user.id);
  setUser(env, user, "Form");
}

/**
 * Logs out, finally: destroys the session, so replaying the old cookie fails — a store session is
 * deleted (and a request of it still in flight cannot write it back), a cookie session's id is revoked
 * (see `revocations` in tsgi/middleware/session) and the cookie is cleared or replaced.
 */
export function logout(env: Env): void {
  getSession(env).destroy();
  delete env[USER_KEY];
  delete env.REMOTE_USER;
  delete env.AUTH_TYPE;
}

/** Options for {@link sessionUser}. */
export interface SessionUserOptions<U extends User> {
  /** Loads the user by id; undefined (user deleted or disabled) logs the session out. */
  load: (id: string, env: Env) => U | undefined | Promise<U | undefined>;
}

/**
 * Restores the user {@link login} stored in the session on every request. Place it inside `sessions()`.
 * A user an authenticator outside it already set (a bearer token, HTTP Basic) is kept: the cookie
 * never overrides the credentials the request itself sent.
 */
export function sessionUser<U extends User>(options: SessionUserOptions<U>): Middleware {
  return (app: App): App => async (env: Env): Promise<Reply> => {
    if (getUser(env) !== undefined) return app(env);
    const session = getSession(env);
    const id = session.get<string>(SESSION_USER);
    if (typeof id === "string") {
      const user = await options.load(id, env);
      if (user === undefined) session.delete(SESSION_USER);
      else setUser(env, user, "Form");
    }
    return app(env);
  };
}

/**
 * The site root of a request: `env["tsgi.site_root"]` (set by a framework app on the envs of its
 * mounts), else SCRIPT_NAME. Login pages, `next` and redirects are paths below it, so a guard or a
 * login form placed inside a mount still points at the site's login page.
 *
 * @example
 * ```ts
 * siteRoot(env) + "/login"; // "/shop/login" inside a mount at /shop/account
 * ```
 */
export function siteRoot(env: Env): string {
  const root = env["tsgi.site_root"];
  return typeof root === "string" && env.SCRIPT_NAME.startsWith(root) ? root : env.SCRIPT_NAME;
}

/** The request's path below the site root (with the query when `query` is true). */
function sitePath(env: Env, query = false): string {
  const path = env.SCRIPT_NAME.slice(siteRoot(env).length) + env.PATH_INFO;
  return query && env.QUERY_STRING !== "" ? `${path}?${env.QUERY_STRING}` : path;
}

/**
 * A local path safe to redirect to, ready for a `Location` header, or `fallback`: it must start with one
 * `/` (no scheme-relative `//` or `/\`) and hold no control characters or backslashes; what a URL may not
 * hold as it is (non-ASCII, spaces, quotes) is percent-encoded, so request data never becomes header
 * syntax (`/\u010d\u010a` → `/%C4%8D%C4%8A`, not CR LF).
 *
 * @example
 * ```ts
 * safeRedirect("/books?q=café");        // "/books?q=caf%C3%A9"
 * safeRedirect("//evil.example", "/");   // "/"
 * ```
 */
export function safeRedirect(target: string | null | undefined, fallback = "/"): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(target) || target.length > 2048) return fallback;
  return encodeLocation(target);
}

/** Options for {@link formLogin}. */
export interface FormLoginOptions<U extends User> {
  /** Checks the submitted credentials; `passwordAuthenticator` from tsgi/middleware/password fits. */
  authenticate: (username: string, password: string, env: Env) => U | undefined | Promise<U | undefined>;
  /** Site path (below {@link siteRoot}) the form posts to. Default `/login`. GET and others pass to the app. */
  path?: string;
  /** Site path the user logs out at with POST. Default `/logout`. */
  logoutPath?: string;
  /** Site path to go to after login when the form has no safe `next` field. Default `/`. */
  redirect?: string;
  /** Form field names. Defaults `username`, `password`, `next`. */
  fields?: { username?: string; password?: string; next?: string };
  /**
   * Throttling of login attempts, on by default: see {@link LoginLimits}. `false` turns it off — only
   * when something in front (the web server, a `rateLimit()` outside) already throttles `path`.
   */
  limits?: LoginLimits | false;
}

/**
 * Form login and logout endpoints. A POST to `path` with urlencoded `username` and `password`: over the
 * attempt limits ({@link LoginLimits}, on by default) 429 with `Retry-After`; on success logs in
 * ({@link login}) and redirects (303) to the form's `next` if it is a local path, else to `redirect`; on
 * failure flashes "wrong username or password" and redirects back to the form (GET `path?next=...`). A
 * POST to `logoutPath` logs out ({@link logout}) and redirects to `redirect`. Every path is a site path,
 * below {@link siteRoot}, wherever the middleware sits. Put `csrf()` outside it,
 * `sessions()` outside that, and `proxyFix()` outermost when behind a proxy (the limits key on the
 * client address).
 *
 * @example
 * ```ts
 * formLogin({ authenticate, limits: { store: redisRateStore({ url: process.env.REDIS_URL! }) } })
 * ```
 */
export function formLogin<U extends User>(options: FormLoginOptions<U>): Middleware {
  const path = options.path ?? "/login";
  const logoutPath = options.logoutPath ?? "/logout";
  const home = safeRedirect(options.redirect ?? "/");
  const field = { username: "username", password: "password", next: "next", ...options.fields };
  const throttle = loginThrottle(options.limits);
  const redirect = (env: Env, target: string): Reply => ({ status: 303, headers: [["location", encodeLocation(siteRoot(env) + target)], ["cache-control", "no-store"]], body: "" });
  return (app: App): App => async (env: Env): Promise<Reply> => {
    if (env.REQUEST_METHOD !== "POST") return app(env);
    const here = sitePath(env);
    if (here !== path && here !== logoutPath) return app(env);
    if (here === logoutPath) {
      logout(env);
      getSession(env).flash("you are logged out");
      return redirect(env, home);
    }
    if (!(env.CONTENT_TYPE ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      throw new HttpError(415, "post the login form as application/x-www-form-urlencoded");
    }
    const form = new URLSearchParams(await readText(env, { limit: 16 * 1024 }));
    const next = safeRedirect(form.get(field.next), home);
    const username = form.get(field.username) ?? "";
    const password = form.get(field.password) ?? "";
    const throttled = await throttle(env, username.slice(0, 256));
    if (throttled !== undefined) return throttled;
    const user = username === "" || password === "" || username.length > 256 || password.length > 1024
      ? undefined : await options.authenticate(username, password, env);
    if (user === undefined) {
      getSession(env).flash("wrong username or password", "error");
      return redirect(env, `${path}?${new URLSearchParams({ [field.next]: next }).toString()}`);
    }
    await throttle.succeeded(username);
    login(env, user);
    return redirect(env, next);
  };
}

/** Options for the guards. */
export interface GuardOptions {
  /**
   * Send anonymous browsers to this site path (303, with `?next=` the site path they wanted) instead
   * of a 401. It is built against {@link siteRoot}, so a guard inside a mount still finds the site's
   * login page; requests for the login page itself pass through unguarded.
   */
  loginPath?: string;
}

/** True for a request of the guard's own login page, which must stay reachable (or it would loop). */
const isLoginPage = (env: Env, options: GuardOptions): boolean => options.loginPath !== undefined && sitePath(env) === options.loginPath;

/** 401, or a redirect to the login page with the wanted site path as `next`. */
function anonymous(env: Env, options: GuardOptions): Reply {
  if (options.loginPath === undefined) return text(401, "log in to see this page");
  const wanted = sitePath(env, true);
  return { status: 303, headers: [["location", encodeLocation(`${siteRoot(env)}${options.loginPath}?${new URLSearchParams({ next: wanted }).toString()}`)], ["cache-control", "no-store"]], body: "" };
}

function checkGuard(options: GuardOptions): void {
  const path = options.loginPath;
  if (path !== undefined && (safeRedirect(path, "") !== path || path.includes("?") || path.includes("#"))) throw new TypeError(`loginPath ${JSON.stringify(path)} must be a local path like "/login": one leading "/", ASCII, no spaces, controls, query or fragment`);
}

/**
 * Lets only authenticated requests through: 401 (or a redirect to the login page) otherwise.
 *
 * @example
 * ```ts
 * createApp().mount("/account", account, { middleware: [requireUser({ loginPath: "/login" })] });
 * // GET /account/orders → 303 /login?next=%2Faccount%2Forders (the site's /login, not /account/login)
 * ```
 */
export function requireUser(options: GuardOptions = {}): Middleware {
  checkGuard(options);
  return (app: App): App => (env: Env) => (getUser(env) === undefined && !isLoginPage(env, options) ? anonymous(env, options) : app(env));
}

/** Lets only users holding one of `roles` through: 401/redirect when anonymous, 403 when lacking the role. */
export function requireRole(roles: string | readonly string[], options: GuardOptions = {}): Middleware {
  const wanted = typeof roles === "string" ? [roles] : [...roles];
  if (wanted.length === 0) throw new TypeError("requireRole needs at least one role");
  checkGuard(options);
  return (app: App): App => (env: Env) => {
    if (isLoginPage(env, options)) return app(env);
    const user = getUser(env);
    if (user === undefined) return anonymous(env, options);
    return user.roles?.some((role) => wanted.includes(role)) === true ? app(env) : text(403, `this page needs the ${wanted.join(" or ")} role`);
  };
}
