/**
 * The tsgi contract: the one small module every server, framework and middleware imports.
 *
 * An {@link App} takes a CGI-style {@link Env} and returns a {@link Reply}; a {@link Middleware}
 * wraps an App in another App. `docs/spec.md` is the normative text; `lint()` checks it.
 *
 * @example
 * ```ts
 * import type { App } from "tsgi";
 * const hello: App = (env) => ({
 *   status: 200,
 *   headers: [["content-type", "text/plain"]],
 *   body: `hello from ${env.PATH_INFO}`,
 * });
 * ```
 * @module
 */

/** The gateway's version, `[major, minor]`, found at `env["tsgi.version"]`. */
export const TSGI_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);

/** The request body: an async iterable of byte chunks, read at most once. Empty when there is no body. */
export type RequestBody = AsyncIterable<Uint8Array>;

/** Where an app writes diagnostics: stderr for CGI, FCGI_STDERR for FastCGI, the server's log elsewhere. */
export interface LogSink {
  /** Write one message; a trailing newline is added by the sink when missing. */
  write(message: string): void;
}

/**
 * The request environment: RFC 3875 meta-variables, `HTTP_*` request headers and the namespaced
 * gateway keys. Extensions (sessions, auth, routing) add their own namespaced keys, e.g. `"tsgi.session"`.
 */
export interface Env {
  /** `GET`, `POST`, ... always upper case as the client sent it. */
  REQUEST_METHOD: string;
  /** The mount point of the app: empty or starting with `/`, never ending with `/`. */
  SCRIPT_NAME: string;
  /** The rest of the path after SCRIPT_NAME, percent-decoded: empty or starting with `/`. */
  PATH_INFO: string;
  /** The raw query string after `?`, without the `?`; empty when there is none. */
  QUERY_STRING: string;
  /** The host name the request was addressed to. */
  SERVER_NAME: string;
  /** The port as a decimal string. */
  SERVER_PORT: string;
  /** `HTTP/1.1`, `HTTP/1.0`, `HTTP/2`, `INCLUDED`. */
  SERVER_PROTOCOL: string;
  /** Always `CGI/1.1`. */
  GATEWAY_INTERFACE: string;
  /** Client address (IPv4 dotted or IPv6). */
  REMOTE_ADDR: string;
  /** Client port as a decimal string, when known. */
  REMOTE_PORT?: string;
  /** Request media type; absent when the request had none. */
  CONTENT_TYPE?: string;
  /** Decimal body length; absent or empty when unknown (chunked) or no body. */
  CONTENT_LENGTH?: string;
  /** `on` when the request came over TLS. */
  HTTPS?: string;
  SERVER_SOFTWARE?: string;
  REMOTE_USER?: string;
  AUTH_TYPE?: string;
  PATH_TRANSLATED?: string;
  /** The gateway version, `[1, 0]`. */
  "tsgi.version": readonly [number, number];
  /** `http` or `https`: the scheme the client used. */
  "tsgi.url_scheme": string;
  /** The request body, read once. */
  "tsgi.input": RequestBody;
  /** The error/log sink. */
  "tsgi.errors": LogSink;
  /** Fires when the client goes away, the front server aborts the request, or the server shuts down. */
  "tsgi.signal": AbortSignal;
  /** True when other requests may run concurrently in this process (interleaved at `await`). */
  "tsgi.multithread": boolean;
  /** True when several processes may serve this app at once. */
  "tsgi.multiprocess": boolean;
  /** True when the process serves this one request only and then exits (CGI). */
  "tsgi.run_once": boolean;
  /** True when the server runs in development mode (`--development`): frameworks may show more detail. */
  "tsgi.development"?: boolean;
  /** Request headers: `HTTP_ACCEPT`, `HTTP_USER_AGENT`, ... */
  [header: `HTTP_${string}`]: string | undefined;
  /** Namespaced extension keys (`"tsgi.session"`, `"myapp.user"`). */
  [extension: string]: unknown;
}

/** Response headers: ordered `[name, value]` pairs; repeats allowed (several `set-cookie`). */
export type HeaderList = Array<[name: string, value: string]>;

/** A body chunk: text (sent as UTF-8) or bytes. */
export type BodyChunk = string | Uint8Array;

/** A reply body: absent, whole, or streamed as a sync or async iterable of chunks. */
export type ReplyBody = null | undefined | BodyChunk | Iterable<BodyChunk> | AsyncIterable<BodyChunk>;

/** What an app returns. Named `Reply` so it never shadows the global Fetch `Response`. */
export interface Reply {
  /** An integer from 200 to 599: the final status (servers answer anything else with a 500). */
  status: number;
  headers: HeaderList;
  body?: ReplyBody;
}

/** An application: one function from an environment to a reply (or a promise of one). */
export type App = (env: Env) => Reply | Promise<Reply>;

/** A middleware: a function from an app to an app. Configurable ones are option factories returning one. */
export type Middleware = (app: App) => App;

/** A lifecycle hook awaited once per process by every server. */
export type Hook = () => void | Promise<void>;

/**
 * What an entry module may export besides a bare app: the app with its lifecycle hooks.
 * Servers await `startup` once before the first request and `shutdown` once on a graceful exit.
 */
export interface Service {
  app: App;
  startup?: Hook;
  shutdown?: Hook;
}

/** An async factory building an app or a service, called once per process. Mark it with {@link factory}. */
export type AppFactory = () => App | Service | Promise<App | Service>;

const FACTORY = Symbol.for("tsgi.factory");

/**
 * Marks an async function as an app factory, so `tsgi serve` calls it once per process instead of
 * treating it as an app. (`tsgi serve module:name()` does the same from the command line.)
 *
 * @example
 * ```ts
 * export default factory(async () => {
 *   const db = await openDatabase();
 *   return { app: makeApp(db), shutdown: () => db.close() };
 * });
 * ```
 */
export function factory<F extends AppFactory>(build: F): F {
  Object.defineProperty(build, FACTORY, { value: true });
  return build;
}

/** True when `value` was marked with {@link factory}. */
export function isFactory(value: unknown): value is AppFactory {
  return typeof value === "function" && (value as unknown as Record<symbol, unknown>)[FACTORY] === true;
}

/** True when `value` is a {@link Service} object. */
export function isService(value: unknown): value is Service {
  return typeof value === "object" && value !== null && typeof (value as Service).app === "function";
}

/**
 * Stacks middleware around an app, outermost first, so the code reads like the stack it builds.
 *
 * @example
 * ```ts
 * const site = stack(logger(), sessions({ keys }), app); // logger(sessions(app))
 * ```
 */
export function stack(...layers: [...Middleware[], App]): App {
  let app = layers[layers.length - 1] as App;
  for (let i = layers.length - 2; i >= 0; i--) app = (layers[i] as Middleware)(app);
  return app;
}
