/**
 * Route decorators (TC39 standard decorators: no experimentalDecorators, no reflect-metadata).
 * They only record routes in the class's decorator metadata; `app.controller(Class)` registers them
 * through the same code path as `app.get(...)`.
 * @module
 */
import type { Middleware } from "../contract.js";
import { checkMiddleware } from "./compose.js";
import { checkPattern } from "./pattern.js";
import type { Context } from "./context.js";
import type { Input, InputOf, RouteOptions } from "./types.js";

// Node 20 has no Symbol.metadata; esbuild and TypeScript read this well-known fallback.
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for("Symbol.metadata");

const ROUTES = Symbol("tsgi.routes");
const PREFIX = Symbol("tsgi.prefix");
const MIDDLEWARE = Symbol("tsgi.middleware");

interface RecordedRoute {
  method: string;
  path: string;
  options: RouteOptions;
  key: string | symbol;
  isStatic: boolean;
}

type Metadata = Record<PropertyKey, unknown>;

/**
 * A method decorator whose handler must accept the context of input `I`. It carries `I` so
 * {@link ContextOf} can name the context type without repeating the path and options.
 */
export type RouteDecorator<I extends Input> = (<This, V extends (this: This, ctx: Context<I>) => unknown>(
  value: V,
  context: ClassMethodDecoratorContext<This, V> & OptionsMatch<I, Parameters<V>[0]>,
) => void) & { readonly "~input"?: I };

type Part = "params" | "query" | "headers" | "cookies" | "body";
/** The input parts whose type the route delivers but the method's context annotation does not accept. */
type Mismatch<I extends Input, C> = { [K in Part]: C extends { readonly [P in K]: infer T } ? ([I[K]] extends [T] ? never : K) : never }[Part];
/** `unknown` when a method's context fits its route; otherwise a type naming the parts and the fix, so TS1241 says why. */
type OptionsMatch<I extends Input, C> = [Mismatch<I, C>] extends [never] ? unknown : {
  "the method's context type does not match the route's options for": Mismatch<I, C>;
  fix: "annotate ctx with ContextOf<typeof decorator>, or repeat the decorator's path and options in RouteContext<path, options>";
};

/**
 * The context type a route decorator's method receives, inferred from the decorator itself.
 *
 * @example
 * ```ts
 * const create = post("/", { body: z.object({ title: z.string() }) });
 * class Books { @create add(ctx: ContextOf<typeof create>) { return ctx.body.title; } }
 * ```
 */
export type ContextOf<D> = D extends { readonly "~input"?: infer I extends Input } ? Context<I> : never;

const LEGACY_FIX = 'tsgi uses standard (TC39) decorators: remove "experimentalDecorators" (and "emitDecoratorMetadata") from compilerOptions in tsconfig.json, and compile to target ES2022';

function legacyName(target: unknown, key: unknown): string {
  const owner = typeof target === "function" ? target.name : (target as { constructor?: { name?: string } } | null)?.constructor?.name;
  return `${owner ?? "a class"}${key === undefined ? "" : `.${String(key)}`}`;
}

/** A controller class (constructed with no arguments) or an instance of one. */
export type ControllerTarget = object | (abstract new () => object);

function record(method: string, path: string, options: RouteOptions, context: ClassMethodDecoratorContext, value: unknown): void {
  if (typeof context !== "object" || context === null || typeof (context as { kind?: unknown }).kind !== "string") {
    throw new TypeError(`@${method.toLowerCase()}("${path}") on ${legacyName(value, context)} was called as a legacy decorator: ${LEGACY_FIX}`);
  }
  if (context.metadata === undefined) {
    throw new TypeError(`@${method.toLowerCase()}("${path}"): this compiler gives decorators no metadata object; compile with TypeScript 5.2+ or esbuild 0.21+ (standard decorators), target ES2022`);
  }
  if (context.private) throw new TypeError(`@${method.toLowerCase()}("${path}") cannot decorate a private method (${String(context.name)})`);
  const metadata = context.metadata as Metadata;
  // A subclass's metadata inherits from its parent's: copy the inherited list before adding to it.
  if (!Object.hasOwn(metadata, ROUTES)) metadata[ROUTES] = [...((metadata[ROUTES] as RecordedRoute[] | undefined) ?? [])];
  (metadata[ROUTES] as RecordedRoute[]).push({ method, path, options, key: context.name, isStatic: context.static });
}

/**
 * Declares a route on a controller method: any method, a path pattern, and options (schemas, name).
 *
 * @example
 * ```ts
 * class Dav {
 *   @route("PROPFIND", "/dav/*path") list(ctx: RouteContext<"/dav/*path">) { return ctx.params.path.join("/"); }
 * }
 * ```
 */
export function route<const P extends string, const O extends RouteOptions = Record<never, never>>(method: string, path: P, options?: O): RouteDecorator<InputOf<P, O>> {
  checkPattern(path);
  return ((value: unknown, context: ClassMethodDecoratorContext) => record(method.toUpperCase(), path, options ?? {}, context, value)) as RouteDecorator<InputOf<P, O>>;
}

/**
 * `@get(path, options?)`: a GET route on a controller method (HEAD is answered from it automatically).
 *
 * @example
 * ```ts
 * @controller("/books")
 * class Books {
 *   @get("/:isbn", { name: "book" }) show(ctx: RouteContext<"/:isbn">) { return { isbn: ctx.params.isbn }; }
 * }
 * app.controller(Books);
 * ```
 */
export function get<const P extends string, const O extends RouteOptions = Record<never, never>>(path: P, options?: O): RouteDecorator<InputOf<P, O>> {
  return route("GET", path, options);
}

/** `@post(path, options?)`. */
export function post<const P extends string, const O extends RouteOptions = Record<never, never>>(path: P, options?: O): RouteDecorator<InputOf<P, O>> {
  return route("POST", path, options);
}

/** `@put(path, options?)`. */
export function put<const P extends string, const O extends RouteOptions = Record<never, never>>(path: P, options?: O): RouteDecorator<InputOf<P, O>> {
  return route("PUT", path, options);
}

/** `@patch(path, options?)`. */
export function patch<const P extends string, const O extends RouteOptions = Record<never, never>>(path: P, options?: O): RouteDecorator<InputOf<P, O>> {
  return route("PATCH", path, options);
}

/** `@del(path, options?)` (DELETE; `delete` is a reserved word). */
export function del<const P extends string, const O extends RouteOptions = Record<never, never>>(path: P, options?: O): RouteDecorator<InputOf<P, O>> {
  return route("DELETE", path, options);
}

/** Options of {@link controller}. */
export interface ControllerOptions {
  /** Middleware around every route of the controller, outside each route's own `middleware`. */
  middleware?: readonly Middleware[];
}

/**
 * A class-level path prefix for every route of the controller (and of subclasses that set none),
 * and optionally middleware around all of them. A method route of `/` or `` maps to the prefix itself.
 *
 * @example
 * ```ts
 * @controller("/books") class Books { @get("/") list() { return []; } } // GET /books
 * @controller("/admin", { middleware: [requireUser()] }) class Admin { @get("/") home() { return "hi"; } }
 * ```
 */
export function controller(prefix: string, options: ControllerOptions = {}): (value: abstract new (...args: never[]) => object, context: ClassDecoratorContext) => void {
  if (prefix !== "" && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
    throw new TypeError(`@controller(${JSON.stringify(prefix)}): a prefix starts with / and does not end with / (e.g. "/books")`);
  }
  const middleware = checkMiddleware(options.middleware, `@controller(${JSON.stringify(prefix)})`);
  return (value, context) => {
    if (typeof context !== "object" || context === null || context.kind !== "class") {
      throw new TypeError(`@controller(${JSON.stringify(prefix)}) on ${legacyName(value, undefined)} was called as a legacy decorator: ${LEGACY_FIX}`);
    }
    (context.metadata as Metadata)[PREFIX] = prefix;
    (context.metadata as Metadata)[MIDDLEWARE] = middleware;
  };
}

/** Joins a controller prefix and a method path. */
export function joinPath(prefix: string, path: string): string {
  if (path === "" || path === "/") return prefix === "" ? "/" : prefix;
  return prefix + path;
}

/** Registers the recorded routes of a controller class or instance through `add`; `outer` middleware wraps the controller's own. */
export function registerController(
  target: ControllerTarget,
  add: (method: string, path: string, options: RouteOptions, handler: (ctx: Context) => unknown) => void,
  outer: readonly Middleware[] = [],
): void {
  const isClass = typeof target === "function";
  const constructor = (isClass ? target : target.constructor) as (abstract new () => object) & { [Symbol.metadata]?: Metadata | null };
  const metadata = constructor[Symbol.metadata as typeof Symbol.metadata] as Metadata | null | undefined;
  const routes = (metadata?.[ROUTES] as RecordedRoute[] | undefined) ?? [];
  if (routes.length === 0) throw new TypeError(`${constructor.name || "controller"} has no route decorators (@get, @post, @route...)`);
  const prefix = (metadata?.[PREFIX] as string | undefined) ?? "";
  const around = [...outer, ...((metadata?.[MIDDLEWARE] as readonly Middleware[] | undefined) ?? [])];
  let instance: object | undefined = isClass ? undefined : target;
  for (const recorded of routes) {
    let self: object;
    if (recorded.isStatic) self = constructor;
    else self = instance ??= new (constructor as new () => object)();
    const method = (self as Record<string | symbol, unknown>)[recorded.key];
    if (typeof method !== "function") throw new TypeError(`${constructor.name}.${String(recorded.key)} is not a method`);
    const options = around.length === 0 ? recorded.options
      : { ...recorded.options, middleware: [...around, ...checkMiddleware(recorded.options.middleware, `${constructor.name}.${String(recorded.key)}`)] };
    add(recorded.method, joinPath(prefix, recorded.path), options, (method as (ctx: Context) => unknown).bind(self));
  }
}
