/**
 * The per-request context a handler receives: typed input, request helpers over the env, and the
 * response headers and cookies it wants to add. Everything is computed lazily; nothing is global.
 * @module
 */
import { serialize, type SerializeOptions } from "cookie";
import type { Env, HeaderList } from "../contract.js";
import { readBody, readText } from "../gateway/body.js";
import { requestUrl } from "../gateway/url-env.js";
import { cookieObject, headerObject, queryObject, readForm, readJsonBody, type BodyLimits } from "./input.js";
import type { FormFields } from "./multipart.js";
import type { Params } from "./router.js";
import type { DefaultInput, Input } from "./types.js";

/** The values `ctx.urlFor` accepts for path parameters. */
export type UrlParams = Record<string, string | number | ReadonlyArray<string | number>>;
/** The values `ctx.urlFor` accepts for the query. */
export type UrlQuery = Record<string, string | number | boolean | ReadonlyArray<string | number> | undefined>;

/** What a context needs from its app. */
export interface ContextHost {
  url(name: string, params?: UrlParams, query?: UrlQuery): string;
  /** True when `url` can build `name` (a route of the app, or `mount:route` through a named mount). */
  knows(name: string): boolean;
  readonly limits: BodyLimits;
}

/**
 * The env key holding the SCRIPT_NAME the outermost framework app saw: set on a mounted app's env
 * (when absent) so code deep in a mount can build URLs against the site, e.g. a login redirect.
 */
export const SITE_ROOT = "tsgi.site_root";

/** @internal The outermost framework app's reversal, carried to mounted apps in the env. */
export const URL_ROOT = "tsgi.framework.url_root";

/** @internal What {@link URL_ROOT} holds. */
export interface UrlRoot {
  host: ContextHost;
  prefix: string;
}

/** The route that matched, also stored in the env as `tsgi.route` for middleware. */
export interface RouteInfo {
  method: string;
  pattern: string;
  name: string | undefined;
  params: Params;
}

/** @internal Sets validated input on a context. */
export const SET_INPUT: unique symbol = Symbol("tsgi.setInput");

/**
 * One request as a handler sees it. `params`, `query`, `headers`, `cookies` and `body` are typed by the
 * route's schemas (validated before the handler runs) or are the raw values when no schema is given.
 *
 * @example
 * ```ts
 * app.get("/hello/:name", (ctx) => {
 *   ctx.setCookie("seen", "1", { httpOnly: true });
 *   return `<p>Hello ${escapeHtml(ctx.params.name)} from ${ctx.clientAddress}</p>`;
 * });
 * ```
 */
export class Context<I extends Input = DefaultInput> {
  /** The gateway env of this request. */
  readonly env: Env;
  /** The route that matched (null in an error hook for a request no route matched). */
  readonly route: RouteInfo | null;
  /** Status used when the handler returns a plain value (string, object, stream); 0 means the default. */
  status = 0;
  #params: unknown;
  #query: unknown;
  #headers: unknown;
  #cookies: unknown;
  #body: unknown;
  #url: URL | undefined;
  #search: URLSearchParams | undefined;
  #extra: HeaderList | null = null;
  readonly #host: ContextHost;

  constructor(env: Env, route: RouteInfo | null, host: ContextHost) {
    this.env = env;
    this.route = route;
    this.#params = route === null ? {} : route.params;
    this.#host = host;
  }

  /** Path parameters (validated when the route has a `params` schema). */
  get params(): I["params"] {
    return this.#params as I["params"];
  }

  /** The query as an object (validated when the route has a `query` schema). */
  get query(): I["query"] {
    return (this.#query ??= queryObject(this.env.QUERY_STRING, false)) as I["query"];
  }

  /** Request headers with lower-case names (validated when the route has a `headers` schema). */
  get headers(): I["headers"] {
    return (this.#headers ??= headerObject(this.env)) as I["headers"];
  }

  /** Request cookies (validated when the route has a `cookies` schema). */
  get cookies(): I["cookies"] {
    return (this.#cookies ??= cookieObject(this.env)) as I["cookies"];
  }

  /** The validated body; `undefined` when the route has no `body` schema (use json(), form(), text()). */
  get body(): I["body"] {
    return this.#body as I["body"];
  }

  /** @internal */
  [SET_INPUT](part: keyof Input, value: unknown): void {
    if (part === "params") this.#params = value;
    else if (part === "query") this.#query = value;
    else if (part === "headers") this.#headers = value;
    else if (part === "cookies") this.#cookies = value;
    else this.#body = value;
  }

  /** `GET`, `POST`, ... */
  get method(): string {
    return this.env.REQUEST_METHOD;
  }

  /** The path below the mount point (PATH_INFO, percent-decoded). */
  get path(): string {
    return this.env.PATH_INFO;
  }

  /** The full URL the client asked for, rebuilt from the env (mount prefix included). */
  get url(): URL {
    return (this.#url ??= new URL(requestUrl(this.env)));
  }

  /** Every query value, repeats included. */
  get searchParams(): URLSearchParams {
    return (this.#search ??= new URLSearchParams(this.env.QUERY_STRING));
  }

  /** The client's address (REMOTE_ADDR). */
  get clientAddress(): string {
    return this.env.REMOTE_ADDR;
  }

  /** Aborts when the client goes away or the server shuts down. */
  get signal(): AbortSignal {
    return this.env["tsgi.signal"];
  }

  /** One request header by name (case-insensitive). */
  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    if (lower === "content-type") return this.env.CONTENT_TYPE;
    if (lower === "content-length") return this.env.CONTENT_LENGTH;
    const value = this.env[`HTTP_${lower.toUpperCase().replaceAll("-", "_")}`];
    return typeof value === "string" ? value : undefined;
  }

  /** One request cookie by name. */
  cookie(name: string): string | undefined {
    return (this.cookies as Record<string, string | undefined>)[name];
  }

  /** The raw body, at most `limit` bytes (default: the route's limit); more is a 413. */
  bytes(limit?: number): Promise<Uint8Array> {
    return readBody(this.env, { limit: limit ?? this.#host.limits.bodyLimit });
  }

  /** The body as UTF-8 text. */
  text(limit?: number): Promise<string> {
    return readText(this.env, { limit: limit ?? this.#host.limits.bodyLimit });
  }

  /** The body parsed as JSON; malformed JSON is a 400 problem+json naming `body`. */
  json(limit?: number): Promise<unknown> {
    return readJsonBody(this.env, limit ?? this.#host.limits.bodyLimit);
  }

  /** A urlencoded or multipart form (files as UploadedFile); any other type is a 415. */
  form(): Promise<FormFields> {
    return readForm(this.env, this.#host.limits);
  }

  /**
   * The URL path of a named route, below this request's mount point (SCRIPT_NAME), so links stay
   * right when the app is mounted or served behind a proxy prefix. `mount:route` reaches a route of
   * an app mounted with `{ name: "mount" }`; a name this app does not know is looked up from the
   * outermost framework app (the site root), so a mounted app can link to its siblings.
   *
   * @example
   * ```ts
   * ctx.urlFor("book", { isbn: "978-0" }, { page: 2 }); // "/api/books/978-0?page=2" when mounted at /api
   * ctx.urlFor("admin:users");                          // "/admin/users", from anywhere in the site
   * ```
   */
  urlFor(name: string, params?: UrlParams, query?: UrlQuery): string {
    const host = this.#host;
    if (!host.knows(name)) {
      const root = this.env[URL_ROOT] as UrlRoot | undefined;
      if (root !== undefined && root.host !== host && root.host.knows(name)) return root.prefix + root.host.url(name, params, query);
    }
    return this.env.SCRIPT_NAME + host.url(name, params, query);
  }

  /** The SCRIPT_NAME of the outermost framework app (`env["tsgi.site_root"]`), or this app's own when it is outermost. */
  get siteRoot(): string {
    const root = this.env[SITE_ROOT];
    return typeof root === "string" ? root : this.env.SCRIPT_NAME;
  }

  /** Adds a response header (kept alongside the handler's reply headers). */
  setHeader(name: string, value: string): this {
    (this.#extra ??= []).push([name, value]);
    return this;
  }

  /** Sets a cookie on the response (`cookie` package's serialize: httpOnly, secure, sameSite, maxAge, ...). */
  setCookie(name: string, value: string, options: SerializeOptions = {}): this {
    return this.setHeader("set-cookie", serialize(name, value, { path: "/", ...options }));
  }

  /** Deletes a cookie: an expired one with the same name, path and domain. */
  clearCookie(name: string, options: SerializeOptions = {}): this {
    return this.setHeader("set-cookie", serialize(name, "", { path: "/", ...options, expires: new Date(0), maxAge: 0 }));
  }

  /** @internal Headers added with setHeader/setCookie, or null. */
  get extraHeaders(): HeaderList | null {
    return this.#extra;
  }
}
