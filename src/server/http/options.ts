/** Options of the HTTP server and their defaults. @module */
import { ServerOptionError } from "../errors.js";
import type { Server } from "node:net";
import type { ServerOptions } from "../types.js";
import type { PipelineLimits } from "./pipeline.js";

/** Options for {@link serveHttp}: the shared server options plus HTTP limits and timeouts. */
export interface HttpServerOptions extends ServerOptions {
  /**
   * Listen on an existing handle instead of `bind`: a `net.Server`, a socket or `{ fd }`, as
   * `server.listen(handle)` takes it (the pool hands workers a shared listener this way).
   */
  handle?: Server | { fd: number } | object;
  /** Most request header fields accepted; more gives 431. Default 100 (gunicorn's limit). */
  maxHeaders?: number;
  /** Largest request header block in bytes; more gives 431. Default 16 KiB. */
  maxHeaderSize?: number;
  /** Time allowed to receive the request headers before a 408. Default 10 s. */
  headersTimeoutMs?: number;
  /** Time allowed to receive the whole request (headers and body) before a 408. Default 300 s; 0 disables. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** How often timeouts are checked: this is what makes slow clients (slowloris) really time out. Default 1 s. */
  connectionsCheckingIntervalMs?: number;
  /** Default grace period for `close()` when none is given. Default 30 s. */
  graceMs?: number;
  /** Pipelined requests of one connection that run at once (default 8); later ones wait their turn. */
  pipelineActive?: number;
  /** Pipelined requests of one connection that may wait (default 4096); more drops the connection. */
  pipelineWaiting?: number;
  /** Unsent bytes queued for one connection above which its next request waits (default 256 KiB). */
  pipelineHighWater?: number;
}

/** Every limit resolved. */
export interface HttpLimits extends PipelineLimits {
  maxHeaders: number;
  maxHeaderSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  connectionsCheckingIntervalMs: number;
  graceMs: number;
}

/** The limits from options, with defaults and sanity checks (fail fast on nonsense). */
export function httpLimits(options: HttpServerOptions): HttpLimits {
  const limits: HttpLimits = {
    maxHeaders: options.maxHeaders ?? 100,
    maxHeaderSize: options.maxHeaderSize ?? 16 * 1024,
    headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 300_000,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 5_000,
    connectionsCheckingIntervalMs: options.connectionsCheckingIntervalMs ?? 1_000,
    graceMs: options.graceMs ?? 30_000,
    maxActive: options.pipelineActive ?? 8,
    maxWaiting: options.pipelineWaiting ?? 4096,
    highWater: options.pipelineHighWater ?? 256 * 1024,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 0) throw new ServerOptionError(`HTTP server option ${name} must be a whole number >= 0; got ${value}`);
  }
  if (limits.maxHeaders < 1) throw new ServerOptionError("HTTP server option maxHeaders must be at least 1");
  if (limits.maxActive < 1) throw new ServerOptionError("HTTP server option pipelineActive must be at least 1");
  if (limits.requestTimeoutMs !== 0 && limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ServerOptionError(`headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`);
  }
  return limits;
}
