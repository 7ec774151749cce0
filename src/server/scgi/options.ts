/** Options of the SCGI server. @module */
import { checkSocketMode, positiveInteger, timeoutOption } from "../socket-server.js";
import type { ServerOptions } from "../types.js";

/** Options for {@link serveScgi}. */
export interface ScgiServerOptions extends ServerOptions {
  /**
   * Permissions of a unix socket file (e.g. `0o660` so a web server in the same group can connect).
   * Default: as created (the umask applies). Ignored for TCP and fd binds.
   */
  socketMode?: number;
  /** Largest request header netstring (default 64 KiB); larger is refused before it is buffered. */
  maxHeaderBytes?: number;
  /** Most header pairs (default 1000). */
  maxParams?: number;
  /** Most concurrent connections (default 1024); one request per connection. */
  maxConns?: number;
  /** Unread body bytes buffered before the socket is paused (default 64 KiB). */
  bodyHighWater?: number;
  /** Time allowed for the whole header to arrive (default 30 s). */
  headerTimeoutMs?: number;
  /**
   * Longest wait for the next request body byte while CONTENT_LENGTH bytes are still due and the app is
   * reading (default 10 s); past it the request is aborted and the connection closed.
   */
  bodyTimeoutMs?: number;
}

/** Resolved options. */
export interface ScgiSettings {
  maxHeaderBytes: number;
  maxParams: number;
  maxConns: number;
  bodyHighWater: number;
  headerTimeoutMs: number;
  bodyTimeoutMs: number;
  development: boolean;
  multiprocess: boolean;
  scriptName: string | undefined;
}

const positive = (name: string, value: number | undefined, fallback: number): number => positiveInteger("SCGI", name, value, fallback);

/** Validates options and fills defaults; throws naming the bad option. */
export function scgiSettings(options: ScgiServerOptions): ScgiSettings {
  checkSocketMode("SCGI", options.socketMode);
  return {
    maxHeaderBytes: positive("maxHeaderBytes", options.maxHeaderBytes, 64 * 1024),
    maxParams: positive("maxParams", options.maxParams, 1000),
    maxConns: positive("maxConns", options.maxConns, 1024),
    bodyHighWater: positive("bodyHighWater", options.bodyHighWater, 64 * 1024),
    headerTimeoutMs: timeoutOption("SCGI", "headerTimeoutMs", options.headerTimeoutMs, 30_000),
    bodyTimeoutMs: timeoutOption("SCGI", "bodyTimeoutMs", options.bodyTimeoutMs, 10_000),
    development: options.development ?? false,
    multiprocess: options.multiprocess ?? false,
    scriptName: options.scriptName,
  };
}
