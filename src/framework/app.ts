/**
 * The framework app: a tsgi App (a plain function of the env) that also has route, mount and
 * reversal methods, so it goes to any server or middleware as it is.
 * @module
 */
import { compile } from "path-to-regexp";
import type { App, Env, HeaderList, Reply } from "../contract.js";
import { HttpError } from "../errors.js";
import { discardBody, isStreamBody } from "../gateway/body.js";
import { Context, type ContextHost, type RouteInfo, type UrlParams, type UrlQuery } from "./context.js";
import { registerController, type ControllerTarget } from "./decorators.js";
import type { BodyLimits } from "./input.js";
import type { MultipartLimits } from "./multipart.js";
import { renderError } from "./problems.js";
import { safeLocation, toReply } from "./respond.js";
import { TrieRouter, type RouteMatch } from "./router.js";
import type { Input, InputOf, RouteOptions } from "./types.js";
import { prepareValidation, validateInput, type Validation } from "./validate.js";

/** What to do when a path misses only by a trailing slash. */
export type TrailingSlash = "redirect" | "strict" | "ignore";

/** Options for {@link createApp}. */
export interface AppOptions {
  /**
   * Serve the development error page (message and stack) for server errors. Ignored when
   * NODE_ENV is `production`. Default false.
   */
  development?: boolean;
  /**
   * `redirect` (default): `/books/` redirects to `/books` when only that route exists (301 for GET and
   * HEAD, 308 otherwise), and the other way round. `ignore`: serve it without redirecting. `strict`: 404.
   */
  trailingSlash?: TrailingSlash;
  /** Largest JSON, text or urlencoded body, in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Limits for multipart bodies. */
  multipart?: MultipartLimits;
}

/** A route handler: gets the typed context, returns anything {@link toReply} understands (or a promise of it). */
export type Handler<I extends Input = InputOf<string, NoOptions>> = (ctx: Context<I>) => unknown;

/** The options type of a route declared without options. */
export type NoOptions = Record<never, never>;

/**
 * Called with any error a handler (or validation, or routing: 404, 405) throws. Return a value to
 * answer with it, or `undefined` to fall back to the default error reply.
 */
export type ErrorHook = (error: unknown, ctx: Context) => unknown;

/** `app.get`, `app.post`, ...: a path, optional options (schemas, name), a handler. */
export interface RouteMethod {
  <const P extends string>(path: P, handler: Handler<InputOf<P, NoOptions>>): FrameworkApp;
  <const P extends string, const O extends RouteOptions>(path: P, options: O, handler: Handler<InputOf<P, O>>): FrameworkApp;
}

/** A registered route as `app.routes` lists it. */
export interface RouteSummary {
  method: string;
  pattern: string;
  name: string | undefined;
}

/**
 * The framework app. Call it with an env like any tsgi App; register routes with its methods.
 *
 * @example
 * ```ts
 * const app = createApp();
 * app.get("/books/:isbn", { name: "book" }, (ctx) => ({ isbn: ctx.params.isbn }));
 * export default app; // tsgi serve app.js, or serveHttp(app), or lint()(app)
 * ```
 */
export interface FrameworkApp extends App {
  (env: Env): Reply | Promise<Reply>;
  get: RouteMethod;
  post: RouteMethod;
  put: RouteMethod;
  patch: RouteMethod;
  delete: RouteMethod;
  /** Any method (upper-cased), e.g. `app.route("PROPFIND", "/dav/*path", handler)`. */
  route<const P extends string>(method: string, path: P, handler: Handler<InputOf<P, NoOptions>>): FrameworkApp;
  route<const P extends string, const O extends RouteOptions>(method: string, path: P, options: O, handler: Handler<InputOf<P, O>>): FrameworkApp;
  /**
   * Serves any tsgi app under a static prefix: for `/api/x` it sees SCRIPT_NAME + `/api` and PATH_INFO `/x`.
   * Mounts are tried before routes, longest prefix first.
   */
  mount(prefix: string, app: App): FrameworkApp;
  /** Registers the decorator routes of a controller class (constructed with no arguments) or instance. */
  controller(target: ControllerTarget): FrameworkApp;
  /** Sets the error hook (see {@link ErrorHook}). */
  onError(hook: ErrorHook): FrameworkApp;
  /**
   * The path of a named route, relative to the app's mount point (use `ctx.urlFor` in a request to
   * get it with SCRIPT_NAME in front).
   */
  url(name: string, params?: UrlParams, query?: UrlQuery): string;
  /** Every registered route, in registration order. */
  readonly routes: readonly RouteSummary[];
}

interface Route extends ContextHost {
  method: string;
  pattern: string;
  name: string | undefined;
  handler: (ctx: Context<Input>) => unknown;
  validation: Validation | null;
  limits: BodyLimits;
}

interface Mount {
  prefix: string;
  below: string;
  app: App;
}

const SCHEMA_KEYS = new Set(["params", "query", "headers", "cookies", "body"]);
const OPTION_KEYS = new Set([...SCHEMA_KEYS, "name", "bodyLimit", "multipart"]);
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NO_ROUTE: ContextHost = { url: () => "", limits: { bodyLimit: 0, multipart: {} } };

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}

function allowHeader(methods: string[]): string {
  const set = new Set(methods);
  if (set.has("GET")) set.add("HEAD");
  set.add("OPTIONS");
  return [...set].sort().join(", ");
}

function encodePath(path: string): string {
  return encodeURI(path).replaceAll("?", "%3F").replaceAll("#", "%23");
}

function withoutBody(reply: Reply): Reply {
  if (isStreamBody(reply.body)) void discardBody(reply.body).catch(() => undefined);
  return { status: reply.status, headers: reply.headers, body: undefined };
}

/**
 * Creates a framework app.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { createApp } from "tsgi/framework";
 * const app = createApp({ development: process.env.NODE_ENV === "development" });
 * app.get("/books", { query: z.object({ page: z.coerce.number().int().min(1).default(1) }) },
 *   (ctx) => listBooks(ctx.query.page));
 * ```
 */
export function createApp(options: AppOptions = {}): FrameworkApp {
  const router = new TrieRouter<Route>();
  const named = new Map<string, Route>();
  const compiled = new Map<Route, (params: Record<string, string | string[]>) => string>();
  const summaries: RouteSummary[] = [];
  const mounts: Mount[] = [];
  const nodeEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV;
  const development = options.development === true && nodeEnv !== "production";
  const trailingSlash = options.trailingSlash ?? "redirect";
  if (!["redirect", "strict", "ignore"].includes(trailingSlash)) {
    throw new TypeError(`createApp: trailingSlash must be "redirect", "strict" or "ignore", not ${JSON.stringify(trailingSlash)}`);
  }
  if (options.bodyLimit !== undefined && !(Number.isSafeInteger(options.bodyLimit) && options.bodyLimit >= 0)) {
    throw new TypeError(`createApp: bodyLimit must be a whole number of bytes, not ${String(options.bodyLimit)}`);
  }
  const appLimits: BodyLimits = { bodyLimit: options.bodyLimit ?? 1024 * 1024, multipart: options.multipart ?? {} };
  let errorHook: ErrorHook | undefined;

  const url = (name: string, params: UrlParams = {}, query?: UrlQuery): string => {
    const route = named.get(name);
    if (route === undefined) throw new Error(`no route named "${name}"; give one a name: app.get(path, { name: "${name}" }, handler)`);
    let toPath = compiled.get(route);
    if (toPath === undefined) compiled.set(route, (toPath = compile(route.pattern)));
    const values: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(params)) values[key] = Array.isArray(value) ? value.map(String) : String(value);
    let path: string;
    try {
      path = toPath(values);
    } catch (error) {
      throw new TypeError(`cannot build the URL of route "${name}" (${route.pattern}): ${(error as Error).message}`, { cause: error });
    }
    if (query === undefined) return path;
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
      else search.append(key, String(value));
    }
    const text = search.toString();
    return text === "" ? path : `${path}?${text}`;
  };

  const fail = (error: unknown, ctx: Context<Input>, head: boolean): Reply | Promise<Reply> => {
    const render = (thrown: unknown): Reply => {
      const reply = renderError(thrown, ctx.env, development);
      return head ? withoutBody(reply) : reply;
    };
    if (errorHook === undefined) return render(error);
    try {
      const handled = errorHook(error, ctx as Context);
      if (isPromise(handled)) {
        return Promise.resolve(handled).then(
          (result) => (result === undefined ? render(error) : finish(result, ctx, head)),
          (hookError: unknown) => render(hookError),
        );
      }
      return handled === undefined ? render(error) : finish(handled, ctx, head);
    } catch (hookError) {
      return render(hookError);
    }
  };

  const finish = (result: unknown, ctx: Context<Input>, head: boolean): Reply => {
    let reply = toReply(result, ctx.status);
    const extra = ctx.extraHeaders;
    if (extra !== null) reply = { status: reply.status, headers: [...reply.headers, ...extra], body: reply.body };
    return head ? withoutBody(reply) : reply;
  };

  const settle = (ctx: Context<Input>, head: boolean, run: () => unknown): Reply | Promise<Reply> => {
    try {
      const result = run();
      if (isPromise(result)) return Promise.resolve(result).then((value) => finish(value, ctx, head), (error: unknown) => fail(error, ctx, head));
      return finish(result, ctx, head);
    } catch (error) {
      return fail(error, ctx, head);
    }
  };

  const run = (found: RouteMatch<Route>, env: Env, head: boolean): Reply | Promise<Reply> => {
    const route = found.value;
    const info: RouteInfo = { method: route.method, pattern: route.pattern, name: route.name, params: found.params };
    env["tsgi.route"] = info;
    const ctx = new Context<Input>(env, info, route);
    const validation = route.validation;
    if (validation !== null) return settle(ctx, head, () => validateInput(validation, ctx, env, route.limits).then(() => route.handler(ctx)));
    let result: unknown;
    try {
      result = route.handler(ctx);
    } catch (error) {
      return fail(error, ctx, head);
    }
    if (isPromise(result)) return Promise.resolve(result).then((value) => finish(value, ctx, head), (error: unknown) => fail(error, ctx, head));
    return finish(result, ctx, head);
  };

  const routeError = (env: Env, error: HttpError, head: boolean): Reply | Promise<Reply> =>
    fail(error, new Context<Input>(env, null, NO_ROUTE), head);

  const miss = (env: Env, method: string, path: string): Reply | Promise<Reply> => {
    const head = method === "HEAD";
    const allowed = router.allowed(path);
    if (allowed.length > 0) {
      const allow = allowHeader(allowed);
      if (method === "OPTIONS") return { status: 204, headers: [["allow", allow]] };
      return routeError(env, new HttpError(405, `${method} is not allowed here; allowed: ${allow}`, { headers: [["allow", allow]] }), head);
    }
    if (trailingSlash !== "strict" && path !== "/") {
      const toggled = path.endsWith("/") ? path.slice(0, -1) : path + "/";
      const found = router.find(method, toggled) ?? (head ? router.find("GET", toggled) : null);
      if (found !== null) {
        if (trailingSlash === "ignore") return run(found, env, head);
        const query = env.QUERY_STRING === "" ? "" : "?" + env.QUERY_STRING;
        const location = safeLocation(encodePath(env.SCRIPT_NAME + toggled) + query);
        const status = method === "GET" || head ? 301 : 308;
        return { status, headers: [["location", location]] as HeaderList, body: undefined };
      }
    }
    return routeError(env, new HttpError(404, `nothing here: ${path === "" ? "/" : path}`), head);
  };

  const app = ((env: Env): Reply | Promise<Reply> => {
    const path = env.PATH_INFO;
    for (let i = 0; i < mounts.length; i++) {
      const mount = mounts[i] as Mount;
      if (path === mount.prefix || path.startsWith(mount.below)) {
        // Object.assign, not a spread: V8 gives spread clones maps that make later key additions slow.
        const child = Object.assign({}, env);
        child.SCRIPT_NAME = env.SCRIPT_NAME + mount.prefix;
        child.PATH_INFO = path.slice(mount.prefix.length);
        return settle(new Context<Input>(env, null, NO_ROUTE), false, () => mount.app(child));
      }
    }
    const method = env.REQUEST_METHOD;
    const found = router.find(method, path) ?? (method === "HEAD" ? router.find("GET", path) : null);
    if (found === null) return miss(env, method, path);
    return run(found, env, method === "HEAD" && found.value.method !== "HEAD");
  }) as FrameworkApp;

  const add = (method: string, path: string, optionsOrHandler: RouteOptions | Handler<Input>, maybeHandler?: Handler<Input>): FrameworkApp => {
    const handler = (typeof optionsOrHandler === "function" ? optionsOrHandler : maybeHandler) as ((ctx: Context<Input>) => unknown) | undefined;
    const routeOptions: RouteOptions = typeof optionsOrHandler === "function" ? {} : optionsOrHandler;
    const upper = method.toUpperCase();
    if (!METHOD.test(upper)) throw new TypeError(`route ${method} ${path}: the method must be an HTTP token such as GET`);
    if (typeof handler !== "function") throw new TypeError(`route ${upper} ${path}: the handler must be a function`);
    for (const key of Object.keys(routeOptions)) {
      if (!OPTION_KEYS.has(key)) throw new TypeError(`route ${upper} ${path}: unknown option "${key}"; expected ${[...OPTION_KEYS].join(", ")}`);
      if (SCHEMA_KEYS.has(key) && typeof (routeOptions[key as keyof RouteOptions] as { safeParseAsync?: unknown } | undefined)?.safeParseAsync !== "function") {
        throw new TypeError(`route ${upper} ${path}: option "${key}" must be a zod schema (e.g. z.object({...}))`);
      }
    }
    const name = routeOptions.name;
    if (name !== undefined && named.has(name)) {
      throw new Error(`route ${upper} ${path}: the name "${name}" is already used by ${named.get(name)?.method} ${named.get(name)?.pattern}`);
    }
    const route: Route = {
      method: upper, pattern: path, name, handler, url,
      validation: prepareValidation(routeOptions),
      limits: {
        bodyLimit: routeOptions.bodyLimit ?? appLimits.bodyLimit,
        multipart: routeOptions.multipart ?? appLimits.multipart,
      },
    };
    router.add(upper, path, route);
    if (name !== undefined) named.set(name, route);
    summaries.push({ method: upper, pattern: path, name });
    return app;
  };

  const verb = (method: string): RouteMethod =>
    ((path: string, optionsOrHandler: RouteOptions | Handler<Input>, handler?: Handler<Input>) =>
      add(method, path, optionsOrHandler, handler)) as RouteMethod;

  Object.defineProperties(app, {
    get: { value: verb("GET") },
    post: { value: verb("POST") },
    put: { value: verb("PUT") },
    patch: { value: verb("PATCH") },
    delete: { value: verb("DELETE") },
    route: { value: add },
    url: { value: url },
    routes: { get: () => summaries.slice() },
    onError: {
      value: (hook: ErrorHook): FrameworkApp => {
        errorHook = hook;
        return app;
      },
    },
    controller: {
      value: (target: ControllerTarget): FrameworkApp => {
        registerController(target, (method, path, routeOptions, handler) => add(method, path, routeOptions, handler as Handler<Input>));
        return app;
      },
    },
    mount: {
      value: (prefix: string, mounted: App): FrameworkApp => {
        if (!/^\/[^:*{}()?]*[^/]$/.test(prefix)) {
          throw new TypeError(`mount prefix ${JSON.stringify(prefix)} must start with /, not end with /, and hold no parameters (e.g. "/api")`);
        }
        if (typeof mounted !== "function") throw new TypeError(`mount ${prefix}: expected a tsgi app (a function of the env)`);
        if (mounts.some((mount) => mount.prefix === prefix)) throw new Error(`mount ${prefix}: something is already mounted there`);
        mounts.push({ prefix, below: prefix + "/", app: mounted });
        mounts.sort((a, b) => b.prefix.length - a.prefix.length);
        return app;
      },
    },
  });
  return app;
}
