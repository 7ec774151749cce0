/**
 * Wrapping apps in middleware: the order rule shared by `app.use`, routes, controllers and mounts.
 * @module
 */
import type { App, Env, Middleware } from "../contract.js";

/** One `app.use` registration: a middleware for every request, or only for those under `prefix`. */
export interface Use {
  prefix: string | null;
  middleware: Middleware;
}

/** True when `path` is `prefix` itself or below it at a segment boundary (`/api` covers `/api/x`, not `/apiary`). */
export function underPrefix(path: string, prefix: string): boolean {
  return path.length === prefix.length ? path === prefix : path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47;
}

/** Checks a middleware list given as an option; throws an error naming `where`. */
export function checkMiddleware(list: unknown, where: string): readonly Middleware[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new TypeError(`${where}: middleware must be an array of tsgi middleware, e.g. { middleware: [requireUser()] }`);
  list.forEach((item, index) => {
    if (typeof item !== "function") throw new TypeError(`${where}: middleware[${index}] is not a function; pass a middleware (app => app), e.g. requireUser() rather than requireUser`);
  });
  return list as Middleware[];
}

function wrap(middleware: Middleware, inner: App, where: string): App {
  const wrapped = middleware(inner);
  if (typeof wrapped !== "function") {
    throw new TypeError(`${where}: a middleware returned ${wrapped === null ? "null" : typeof wrapped}, not an app; a middleware is app => app (did you pass an option factory without calling it?)`);
  }
  return wrapped;
}

/** `[a, b]` around `inner` is `a(b(inner))`: the first registered is the outermost, the first to see a request. */
export function wrapAll(list: readonly Middleware[], inner: App, where: string): App {
  let app = inner;
  for (let i = list.length - 1; i >= 0; i--) app = wrap(list[i] as Middleware, app, where);
  return app;
}

/**
 * Composes `app.use` registrations around the app's own dispatch. A prefixed one is skipped (the
 * request goes straight to the next layer) for paths outside its prefix.
 */
export function composeUses(uses: readonly Use[], inner: App): App {
  let app = inner;
  for (let i = uses.length - 1; i >= 0; i--) {
    const { prefix, middleware } = uses[i] as Use;
    const next = app;
    const wrapped = wrap(middleware, next, prefix === null ? "app.use" : `app.use(${JSON.stringify(prefix)})`);
    app = prefix === null ? wrapped : (env: Env) => (underPrefix(env.PATH_INFO, prefix) ? wrapped(env) : next(env));
  }
  return app;
}
