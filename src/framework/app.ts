/**
 * The framework app: a tsgi App (a plain function of the env) that also has route, mount and
 * reversal methods, so it goes to any server or middleware as it is.
 * @module
 */
import { compile } from "path-to-regexp";
import type { App, Env, HeaderList, Middleware, Reply } from "../contract.js";
import { HttpError, errorStatus } from "../errors.js";
import { discardBody, isStreamBody } from "../gateway/body.js";
import { checkMiddleware, composeUses, wrapAll, type Use } from "./compose.js";
import { Context, SITE_ROOT, URL_ROOT, type ContextHost, type RouteInfo, type UrlParams, type UrlQuery, type UrlRoot } from "./context.js";
import { registerController, type ControllerTarget } from "./decorators.js";
import type { BodyLimits } from "./input.js";
import type { MultipartLimits } from "./multipart.js";
import { DESCRIBE, type AppDescription, type Mount, type Route } from "./describe.js";
import { checkOpenApiOptions, openApiDocument, watchSchemas, type OpenApiOptions } from "./openapi.js";
import { renderError } from "./problems.js";
import { json as jsonReply, safeLocation, toReply } from "./respond.js";
import { TrieRouter, type RouteMatch } from "./router.js";
import type { Input, InputOf, RouteOptions } from "./types.js";
import { prepareValidation, validateInput } from "./validate.js";

/** What to do when a path misses only by a trailing slash. */
export type TrailingSlash = "redirect" | "strict" | "ignore";

/**
 * How errors are answered. `auto` (default): problem+json for a route that declares a JSON
 * `response` schema, and for a miss (404, 405) when every route of the app does; otherwise by the
 * client's Accept. `problem+json`: always problem+json. `accept`: by the client's Accept only.
 */
export type ErrorFormat = "auto" | "problem+json" | "accept";

/** Options for {@link createApp}. */
export interface AppOptions {
  /**
   * Serve the development error page (message and stack) for server errors. Ignored when
   * NODE_ENV is `production`. Default: `env["tsgi.development"]`, which `tsgi serve --development`
   * sets, so the flag reaches framework apps without code.
   */
  development?: boolean;
  /** Problem+json or content negotiation for error replies (see {@link ErrorFormat}). Default `auto`. */
  errorFormat?: ErrorFormat;
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
 * Called with any error a handler, a middleware, validation or routing (404, 405) throws. Return a
 * value to answer with it (its status defaults to the error's), or `undefined` for the default reply.
 */
export type ErrorHook = (error: unknown, ctx: Context) => unknown;

/**
 * Called when no route or mount matches a path (not for a handler's own 404). `ctx.status` is 404;
 * return a value to answer with it, or `undefined` for the default 404.
 */
export type NotFoundHook = (ctx: Context) => unknown;

/** Options of {@link FrameworkApp.mount}. */
export interface MountOptions {
  /** Middleware around the mounted app (it sees the mounted env: SCRIPT_NAME includes the prefix). */
  middleware?: readonly Middleware[];
  /** Makes the mounted framework app's routes reachable as `name:route` from `url`/`ctx.urlFor`. */
  name?: string;
}

/** Options of {@link FrameworkApp.controller}. */
export interface ControllerRegistration {
  /** Middleware around every route of the controller, outside `@controller`'s and each route's own. */
  middleware?: readonly Middleware[];
}

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
   * Mounts are tried before routes, longest prefix first. The mounted env carries `tsgi.site_root`.
   */
  mount(prefix: string, app: App, options?: MountOptions): FrameworkApp;
  /** Registers the decorator routes of a controller class (constructed with no arguments) or instance. */
  controller(target: ControllerTarget, options?: ControllerRegistration): FrameworkApp;
  /**
   * Adds a middleware around the whole app — or, with a prefix, around requests whose path is the
   * prefix or below it (the env is not changed: unlike a mount, SCRIPT_NAME stays). The first
   * registered is the outermost. Register them before the app serves its first request.
   *
   * @example
   * ```ts
   * app.use(logger()).use("/admin", requireUser()); // logger(adminGuard(app))
   * ```
   */
  use(middleware: Middleware): FrameworkApp;
  use(prefix: string, middleware: Middleware): FrameworkApp;
  /** Sets the error hook (see {@link ErrorHook}). */
  onError(hook: ErrorHook): FrameworkApp;
  /** Sets the not-found hook (see {@link NotFoundHook}). */
  notFound(hook: NotFoundHook): FrameworkApp;
  /**
   * The path of a named route, relative to the app's mount point (use `ctx.urlFor` in a request to
   * get it with SCRIPT_NAME in front). `mount:route` reaches into an app mounted with a name.
   */
  url(name: string, params?: UrlParams, query?: UrlQuery): string;
  /** True when `url` can build `name`. */
  knows(name: string): boolean;
  /**
   * Serves an OpenAPI 3.1 document of this app's routes and of the framework apps mounted in it
   * (default path `/openapi.json`). From this call on, a route schema that JSON Schema cannot express
   * is refused at registration. Operation ids are route names (`mount:name` through named mounts).
   *
   * @example
   * ```ts
   * app.openapi({ path: "/openapi.json", info: { title: "Bookshop", version: "1.0.0" } });
   * ```
   */
  openapi(options: OpenApiOptions): FrameworkApp;
  /** Every registered route, in registration order. */
  readonly routes: readonly RouteSummary[];
}

const SCHEMA_KEYS = new Set(["params", "query", "headers", "cookies", "body", "response"]);
const OPTION_KEYS = new Set([...SCHEMA_KEYS, "name", "bodyLimit", "multipart", "middleware", "summary", "tags"]);
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NAME = /^[^:\s]+$/;

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

const yes = (): boolean => true;
const no = (): boolean => false;

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
  const routes: Route[] = [];
  const mounts: Mount[] = [];
  const uses: Use[] = [];
  const watchers: Array<(route: Route) => void> = [];
  const mountWatchers: Array<(mount: Mount) => void> = [];
  const nodeEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV;
  const production = nodeEnv === "production";
  const trailingSlash = options.trailingSlash ?? "redirect";
  if (!["redirect", "strict", "ignore"].includes(trailingSlash)) {
    throw new TypeError(`createApp: trailingSlash must be "redirect", "strict" or "ignore", not ${JSON.stringify(trailingSlash)}`);
  }
  const errorFormat = options.errorFormat ?? "auto";
  if (!["auto", "problem+json", "accept"].includes(errorFormat)) {
    throw new TypeError(`createApp: errorFormat must be "auto", "problem+json" or "accept", not ${JSON.stringify(errorFormat)}`);
  }
  if (options.development !== undefined && typeof options.development !== "boolean") {
    throw new TypeError(`createApp: development must be true or false, not ${JSON.stringify(options.development)}`);
  }
  if (options.bodyLimit !== undefined && !(Number.isSafeInteger(options.bodyLimit) && options.bodyLimit >= 0)) {
    throw new TypeError(`createApp: bodyLimit must be a whole number of bytes, not ${String(options.bodyLimit)}`);
  }
  const appLimits: BodyLimits = { bodyLimit: options.bodyLimit ?? 1024 * 1024, multipart: options.multipart ?? {} };
  let errorHook: ErrorHook | undefined;
  let notFoundHook: NotFoundHook | undefined;
  let handle: App | null = null;
  let jsonRoutes = 0;

  const developmentFor = (env: Env): boolean => !production && (options.development ?? env["tsgi.development"] === true);
  const missJson = (): boolean => errorFormat === "problem+json" || (errorFormat === "auto" && routes.length > 0 && jsonRoutes === routes.length);

  const knows = (name: string): boolean => {
    if (named.has(name)) return true;
    const colon = name.indexOf(":");
    if (colon <= 0) return false;
    const target = mounts.find((mount) => mount.name === name.slice(0, colon))?.target as Partial<ContextHost> | undefined;
    return typeof target?.knows === "function" && target.knows(name.slice(colon + 1));
  };

  const url = (name: string, params: UrlParams = {}, query?: UrlQuery): string => {
    const route = named.get(name);
    if (route === undefined) {
      const colon = name.indexOf(":");
      const mount = colon > 0 ? mounts.find((candidate) => candidate.name === name.slice(0, colon)) : undefined;
      if (mount !== undefined && typeof (mount.target as Partial<FrameworkApp>).url === "function") {
        return mount.prefix + (mount.target as FrameworkApp).url(name.slice(colon + 1), params, query);
      }
      if (colon > 0) {
        const names = mounts.filter((candidate) => candidate.name !== undefined).map((candidate) => `"${candidate.name}"`);
        throw new Error(`no mount named "${name.slice(0, colon)}" for route "${name}"; name the mount: app.mount(prefix, app, { name: "${name.slice(0, colon)}" })${names.length > 0 ? ` (named mounts: ${names.join(", ")})` : ""}`);
      }
      throw new Error(`no route named "${name}"; give one a name: app.get(path, { name: "${name}" }, handler)`);
    }
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

  const host: ContextHost = { url, knows, limits: appLimits };

  const fail = (error: unknown, ctx: Context<Input>, head: boolean, json: boolean): Reply | Promise<Reply> => {
    const render = (thrown: unknown): Reply => {
      const reply = renderError(thrown, ctx.env, developmentFor(ctx.env), json);
      return head ? withoutBody(reply) : reply;
    };
    if (errorHook === undefined) return render(error);
    if (ctx.status === 0) ctx.status = errorStatus(error);
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

  /** {@link finish} for a context nothing has seen: status 0, no extra headers. */
  const finishPlain = (result: unknown, head: boolean): Reply => {
    const reply = toReply(result, 0);
    return head ? withoutBody(reply) : reply;
  };

  /** A GET handler's null/undefined is a 404 (a missing row), never a silent 204; `ctx.status` set by the handler wins. */
  const finishRoute = (result: unknown, ctx: Context<Input>, head: boolean, json: boolean, route: Route): Reply | Promise<Reply> => {
    if (result == null && ctx.status === 0 && (route.method === "GET" || route.method === "HEAD")) {
      const env = ctx.env;
      if (developmentFor(env)) env["tsgi.errors"].write(`tsgi framework: ${route.method} ${route.pattern} returned ${String(result)}: answered 404 (return status(204) or set ctx.status for an empty success)`);
      return fail(new HttpError(404, `nothing here: ${env.PATH_INFO === "" ? "/" : env.PATH_INFO}`), ctx, head, json);
    }
    return finish(result, ctx, head);
  };

  /**
   * Calls an inner app (a mount, the `app.use` chain, a route's middleware) with `callEnv`. The success
   * path makes no context and no closure: one is made from `env` only when the call fails.
   */
  const settleApp = (inner: App, callEnv: Env, env: Env, info: RouteInfo | null, owner: ContextHost, head: boolean, json: () => boolean): Reply | Promise<Reply> => {
    try {
      const result = inner(callEnv);
      if (isPromise(result)) {
        return Promise.resolve(result).then(
          (value) => finishPlain(value, head),
          (error: unknown) => fail(error, new Context<Input>(env, info, owner), head, json()),
        );
      }
      return finishPlain(result, head);
    } catch (error) {
      return fail(error, new Context<Input>(env, info, owner), head, json());
    }
  };

  const settle = (ctx: Context<Input>, head: boolean, json: boolean, run: () => unknown): Reply | Promise<Reply> => {
    try {
      const result = run();
      if (isPromise(result)) return Promise.resolve(result).then((value) => finish(value, ctx, head), (error: unknown) => fail(error, ctx, head, json));
      return finish(result, ctx, head);
    } catch (error) {
      return fail(error, ctx, head, json);
    }
  };

  /** Runs a route's validation and handler on `env` (routing done: `info` is the match). */
  const invoke = (route: Route, info: RouteInfo, env: Env, head: boolean): Reply | Promise<Reply> => {
    const ctx = new Context<Input>(env, info, route);
    const json = route.json;
    const validation = route.validation;
    if (validation !== null) {
      return validateInput(validation, ctx, env, route.limits).then(() => route.handler(ctx)).then(
        (value) => finishRoute(value, ctx, head, json, route),
        (error: unknown) => fail(error, ctx, head, json),
      );
    }
    let result: unknown;
    try {
      result = route.handler(ctx);
    } catch (error) {
      return fail(error, ctx, head, json);
    }
    if (isPromise(result)) return Promise.resolve(result).then((value) => finishRoute(value, ctx, head, json, route), (error: unknown) => fail(error, ctx, head, json));
    return finishRoute(result, ctx, head, json, route);
  };

  const run = (found: RouteMatch<Route>, env: Env, head: boolean): Reply | Promise<Reply> => {
    const route = found.value;
    const info: RouteInfo = { method: route.method, pattern: route.pattern, name: route.name, params: found.params };
    env["tsgi.route"] = info;
    const wrapped = route.wrapped;
    if (wrapped === null) return invoke(route, info, env, head);
    return settleApp(wrapped, env, env, info, route, head, route.json ? yes : no);
  };

  const routeError = (env: Env, error: HttpError, head: boolean): Reply | Promise<Reply> =>
    fail(error, new Context<Input>(env, null, host), head, missJson());

  const notFound = (env: Env, path: string, head: boolean): Reply | Promise<Reply> => {
    const error = new HttpError(404, `nothing here: ${path === "" ? "/" : path}`);
    const hook = notFoundHook;
    if (hook === undefined) return routeError(env, error, head);
    const ctx = new Context<Input>(env, null, host);
    ctx.status = 404;
    return settle(ctx, head, missJson(), () => {
      const result = hook(ctx as Context);
      if (isPromise(result)) return Promise.resolve(result).then((value) => (value === undefined ? Promise.reject(error) : value));
      if (result === undefined) throw error;
      return result;
    });
  };

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
    return notFound(env, path, head);
  };

  const dispatch = (env: Env): Reply | Promise<Reply> => {
    const path = env.PATH_INFO;
    for (let i = 0; i < mounts.length; i++) {
      const mount = mounts[i] as Mount;
      if (path === mount.prefix || path.startsWith(mount.below)) {
        // Object.assign, not a spread: V8 gives spread clones maps that make later key additions slow.
        const child = Object.assign({}, env);
        child.SCRIPT_NAME = env.SCRIPT_NAME + mount.prefix;
        child.PATH_INFO = path.slice(mount.prefix.length);
        if (child[SITE_ROOT] === undefined) child[SITE_ROOT] = env.SCRIPT_NAME;
        if (child[URL_ROOT] === undefined) child[URL_ROOT] = { host, prefix: env.SCRIPT_NAME } satisfies UrlRoot;
        return settleApp(mount.app, child, env, null, host, false, no);
      }
    }
    const method = env.REQUEST_METHOD;
    const found = router.find(method, path) ?? (method === "HEAD" ? router.find("GET", path) : null);
    if (found === null) return miss(env, method, path);
    return run(found, env, method === "HEAD" && found.value.method !== "HEAD");
  };

  /** The `app.use` layers around dispatch; a middleware's own throw gets the app's error reply. */
  const build = (): App => {
    if (uses.length === 0) return dispatch;
    const composed = composeUses(uses, dispatch);
    return (env: Env) => settleApp(composed, env, env, null, host, env.REQUEST_METHOD === "HEAD", missJson);
  };

  const app = ((env: Env): Reply | Promise<Reply> => (handle ??= build())(env)) as FrameworkApp;

  const add = (method: string, path: string, optionsOrHandler: RouteOptions | Handler<Input>, maybeHandler?: Handler<Input>): FrameworkApp => {
    const handler = (typeof optionsOrHandler === "function" ? optionsOrHandler : maybeHandler) as ((ctx: Context<Input>) => unknown) | undefined;
    const routeOptions: RouteOptions = typeof optionsOrHandler === "function" ? {} : optionsOrHandler;
    const upper = method.toUpperCase();
    const where = `route ${upper} ${path}`;
    if (!METHOD.test(upper)) throw new TypeError(`route ${method} ${path}: the method must be an HTTP token such as GET`);
    if (typeof handler !== "function") throw new TypeError(`${where}: the handler must be a function`);
    if (typeof routeOptions !== "object" || routeOptions === null) throw new TypeError(`${where}: options must be an object such as { name: "book" }`);
    for (const key of Object.keys(routeOptions)) {
      if (!OPTION_KEYS.has(key)) throw new TypeError(`${where}: unknown option "${key}"; expected ${[...OPTION_KEYS].join(", ")}`);
      if (SCHEMA_KEYS.has(key) && typeof (routeOptions[key as keyof RouteOptions] as { safeParseAsync?: unknown } | undefined)?.safeParseAsync !== "function") {
        throw new TypeError(`${where}: option "${key}" must be a zod schema (e.g. z.object({...}))`);
      }
    }
    const name = routeOptions.name;
    if (name !== undefined && !NAME.test(name)) throw new TypeError(`${where}: the name ${JSON.stringify(name)} may not contain ":" or spaces (":" reaches into named mounts)`);
    if (name !== undefined && named.has(name)) {
      throw new Error(`${where}: the name "${name}" is already used by ${named.get(name)?.method} ${named.get(name)?.pattern}`);
    }
    const middleware = checkMiddleware(routeOptions.middleware, where);
    const route: Route = {
      method: upper, pattern: path, name, handler, url, knows, options: routeOptions,
      validation: prepareValidation(routeOptions),
      wrapped: null,
      json: errorFormat === "problem+json" || (errorFormat === "auto" && routeOptions.response !== undefined),
      limits: {
        bodyLimit: routeOptions.bodyLimit ?? appLimits.bodyLimit,
        multipart: routeOptions.multipart ?? appLimits.multipart,
      },
    };
    for (const watch of watchers) watch(route);
    if (middleware.length > 0) {
      route.wrapped = wrapAll(middleware, (env: Env) => invoke(route, env["tsgi.route"] as RouteInfo, env, false), where);
    }
    router.add(upper, path, route);
    if (name !== undefined) named.set(name, route);
    routes.push(route);
    if (routeOptions.response !== undefined) jsonRoutes++;
    return app;
  };

  const verb = (method: string): RouteMethod =>
    ((path: string, optionsOrHandler: RouteOptions | Handler<Input>, handler?: Handler<Input>) =>
      add(method, path, optionsOrHandler, handler)) as RouteMethod;

  const description: AppDescription = {
    routes,
    mounts,
    watch(check) {
      for (const route of routes) check(route);
      watchers.push(check);
    },
    watchMounts(check) {
      for (const mount of mounts) check(mount);
      mountWatchers.push(check);
    },
  };

  Object.defineProperties(app, {
    get: { value: verb("GET") },
    post: { value: verb("POST") },
    put: { value: verb("PUT") },
    patch: { value: verb("PATCH") },
    delete: { value: verb("DELETE") },
    route: { value: add },
    url: { value: url },
    knows: { value: knows },
    [DESCRIBE]: { value: () => description },
    routes: { get: () => routes.map((route): RouteSummary => ({ method: route.method, pattern: route.pattern, name: route.name })) },
    onError: {
      value: (hook: ErrorHook): FrameworkApp => {
        if (typeof hook !== "function") throw new TypeError("app.onError(hook): the hook must be a function (error, ctx) => reply | undefined");
        errorHook = hook;
        return app;
      },
    },
    notFound: {
      value: (hook: NotFoundHook): FrameworkApp => {
        if (typeof hook !== "function") throw new TypeError("app.notFound(hook): the hook must be a function (ctx) => reply | undefined");
        notFoundHook = hook;
        return app;
      },
    },
    use: {
      value: (prefixOrMiddleware: string | Middleware, maybeMiddleware?: Middleware): FrameworkApp => {
        const prefix = typeof prefixOrMiddleware === "string" ? prefixOrMiddleware : null;
        const middleware = typeof prefixOrMiddleware === "string" ? maybeMiddleware : prefixOrMiddleware;
        const where = prefix === null ? "app.use(middleware)" : `app.use(${JSON.stringify(prefix)}, middleware)`;
        if (handle !== null) throw new Error(`${where}: the app has already served a request; register middleware before serving`);
        if (prefix !== null && !/^\/[^:*{}()?]*[^/]$/.test(prefix)) {
          throw new TypeError(`${where}: the prefix must start with /, not end with /, and hold no parameters (e.g. "/admin")`);
        }
        checkMiddleware([middleware], where);
        uses.push({ prefix, middleware: middleware as Middleware });
        return app;
      },
    },
    openapi: {
      value: (openapiOptions: OpenApiOptions): FrameworkApp => {
        checkOpenApiOptions(openapiOptions);
        const path = openapiOptions.path ?? "/openapi.json";
        watchSchemas(app, openapiOptions);
        const own: { route: Route | undefined } = { route: undefined };
        add("GET", path, {}, () => jsonReply(openApiDocument(app, openapiOptions, own.route)));
        own.route = routes[routes.length - 1];
        // The document is JSON: it keeps an API app "all JSON" for errorFormat "auto".
        if (own.route !== undefined) {
          own.route.json = errorFormat !== "accept";
          jsonRoutes++;
        }
        return app;
      },
    },
    controller: {
      value: (target: ControllerTarget, registration: ControllerRegistration = {}): FrameworkApp => {
        const outer = checkMiddleware(registration.middleware, "app.controller");
        registerController(target, (method, path, routeOptions, handler) => add(method, path, routeOptions, handler as Handler<Input>), outer);
        return app;
      },
    },
    mount: {
      value: (prefix: string, mounted: App, mountOptions: MountOptions = {}): FrameworkApp => {
        if (!/^\/[^:*{}()?]*[^/]$/.test(prefix)) {
          throw new TypeError(`mount prefix ${JSON.stringify(prefix)} must start with /, not end with /, and hold no parameters (e.g. "/api")`);
        }
        if (typeof mounted !== "function") throw new TypeError(`mount ${prefix}: expected a tsgi app (a function of the env)`);
        if (mounts.some((mount) => mount.prefix === prefix)) throw new Error(`mount ${prefix}: something is already mounted there`);
        const { name } = mountOptions;
        if (name !== undefined && (typeof name !== "string" || !NAME.test(name))) throw new TypeError(`mount ${prefix}: the name ${JSON.stringify(name)} must be a non-empty string without ":" or spaces`);
        if (name !== undefined && mounts.some((mount) => mount.name === name)) throw new Error(`mount ${prefix}: the name "${name}" is already used by another mount`);
        if (name !== undefined && typeof (mounted as Partial<FrameworkApp>).url !== "function") {
          throw new TypeError(`mount ${prefix}: { name: "${name}" } needs a framework app (createApp()) to reverse URLs into`);
        }
        const where = `mount ${prefix}`;
        const middleware = checkMiddleware(mountOptions.middleware, where);
        const mount: Mount = { prefix, below: prefix + "/", app: wrapAll(middleware, mounted, where), target: mounted, name };
        for (const watch of mountWatchers) watch(mount);
        mounts.push(mount);
        mounts.sort((a, b) => b.prefix.length - a.prefix.length);
        return app;
      },
    },
  });
  return app;
}
