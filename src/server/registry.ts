/**
 * The one table of servers `tsgi serve` and the pool's workers start. Each entry imports its server
 * only when asked (a typed `import()`, visible to tsc and the layer test), so a process pays for the one
 * server it runs: CGI never loads the HTTP server, HTTP never loads the FastCGI codec.
 * @module
 */
import type { CgiOptions } from "./cgi/index.js";
import type { FastCgiServerOptions } from "./fastcgi/options.js";
import type { HttpServerOptions } from "./http/options.js";
import type { ScgiServerOptions } from "./scgi/options.js";
import type { App, Service } from "../contract.js";
import type { ServerKind } from "./detect.js";
import type { StartServer } from "./types.js";

/** The servers that listen on a socket (HTTP, FastCGI, SCGI): the ones the pool can run. */
export type SocketServerKind = Exclude<ServerKind, "cgi">;

/** Options of each socket server, by kind. */
export interface SocketServerOptions {
  http: HttpServerOptions;
  fastcgi: FastCgiServerOptions;
  scgi: ScgiServerOptions;
}

/** One socket server in the table. */
export interface SocketServerEntry<K extends SocketServerKind> {
  /** For people: `HTTP`, `FastCGI`, `SCGI`. */
  readonly label: string;
  /** The scheme `RunningServer.url` uses for TCP. */
  readonly scheme: string;
  /** Imports the server module and returns its starter. */
  load(): Promise<StartServer<SocketServerOptions[K]>>;
}

/**
 * The socket servers, by kind.
 *
 * @example
 * ```ts
 * const start = await SOCKET_SERVERS.fastcgi.load();
 * const server = await start(app, { bind: "127.0.0.1:9000" });
 * ```
 */
export const SOCKET_SERVERS: { readonly [K in SocketServerKind]: SocketServerEntry<K> } = {
  http: { label: "HTTP", scheme: "http", load: async () => (await import("./http/index.js")).serveHttp },
  fastcgi: { label: "FastCGI", scheme: "fastcgi", load: async () => (await import("./fastcgi/index.js")).serveFastCgi },
  scgi: { label: "SCGI", scheme: "scgi", load: async () => (await import("./scgi/index.js")).serveScgi },
};

/** The CGI runner: serves the one request of this process. */
export const CGI_SERVER: { readonly label: string; load(): Promise<(target: App | Service, options?: CgiOptions) => Promise<number>> } = {
  label: "CGI",
  load: async () => (await import("./cgi/index.js")).runCgi,
};

/** True for a kind in {@link SOCKET_SERVERS}. */
export function isSocketServerKind(kind: string): kind is SocketServerKind {
  return Object.hasOwn(SOCKET_SERVERS, kind);
}

/**
 * Loads the socket server `kind` and starts it with `options`: one call, typed per kind, for `serve()`
 * and the pool's workers.
 *
 * @example
 * ```ts
 * const server = await startSocketServer("http", app, { bind: "127.0.0.1:8000" });
 * ```
 */
export async function startSocketServer<K extends SocketServerKind>(kind: K, app: App, options: SocketServerOptions[K]): Promise<Awaited<ReturnType<StartServer>>> {
  const entry: SocketServerEntry<K> = SOCKET_SERVERS[kind];
  const start = await entry.load();
  return start(app, options);
}
