/**
 * `tsgi/server`: serve an app on the server chosen by name or detected from how the process started.
 * Each server loads lazily (`tsgi/http`, `tsgi/cgi`, `tsgi/fastcgi`, `tsgi/scgi`, `tsgi/pool`).
 *
 * @example
 * ```ts
 * import { serve } from "tsgi/server";
 * import app from "./app.js";
 * await serve(app, { bind: "127.0.0.1:8000" });
 * ```
 * @module
 */
export { serve, type ServeOptions, type ServeHandle } from "./serve.js";
export { TsgiError, BindError, ListenError, LoadError, ServeError, PoolOptionError, PoolBootError, isPlainError } from "./errors.js";
export { loadService, parseSpec, type LoadedService, type LoadOptions, type ServiceSpec } from "./load.js";
export { SOCKET_SERVERS, CGI_SERVER, startSocketServer, isSocketServerKind, type SocketServerKind, type SocketServerOptions, type SocketServerEntry } from "./registry.js";
export { detectServer, isListeningSocket, type ServerKind, type DetectProbe } from "./detect.js";
export { SignalQueue, runSignalLoop, type SignalSource, type Stoppable } from "./lifecycle.js";
export { parseBind, describeBind, type ListenTarget } from "./bind.js";
export type { ServerOptions, RunningServer, StartServer } from "./types.js";
