/**
 * What every socket server (HTTP, FastCGI, SCGI) takes and returns, so the CLI and the pool can
 * start any of them the same way.
 * @module
 */
import type { App, LogSink } from "../contract.js";
import type { ListenTarget } from "./bind.js";

/** Options shared by the socket servers; each server adds its own. */
export interface ServerOptions {
  /** Where to listen: a parsed target or a string (`127.0.0.1:8000`, `unix:/run/app.sock`, `fd:0`). */
  bind?: ListenTarget | string;
  /** Development mode: error stacks reach the client. Never in production. */
  development?: boolean;
  /** The server's own log (default: stderr). Apps log through `tsgi.errors`. */
  log?: LogSink;
  /** Set by the pool: several processes serve this app (`tsgi.multiprocess`). */
  multiprocess?: boolean;
  /** The app's mount point (SCRIPT_NAME) when the front server does not say it. */
  scriptName?: string;
}

/** A started server. */
export interface RunningServer {
  /** Where it listens, for people: `http://127.0.0.1:8000`, `unix:/run/app.sock`, `fd:0`. */
  readonly url: string;
  /** The TCP port, when listening on TCP. */
  readonly port: number | undefined;
  /** Requests being served right now. */
  readonly inFlight: number;
  /** Requests served since start. */
  readonly served: number;
  /**
   * Stops accepting, lets in-flight requests finish for up to `graceMs` (default 30 s), then aborts
   * their `tsgi.signal` and closes their connections. Resolves when every connection is closed.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** A server starter: `serveHttp`, `serveFastCgi`, `serveScgi` all have this shape. */
export type StartServer<O extends ServerOptions = ServerOptions> = (app: App, options?: O) => Promise<RunningServer>;
