/** Options of the FastCGI server. @module */
import { ServerOptionError } from "../errors.js";
import { Role } from "../../protocol/fastcgi/index.js";
import { checkSocketMode, positiveInteger, timeoutOption } from "../socket-server.js";
import type { ServerOptions } from "../types.js";

/** Options for {@link serveFastCgi}; every limit is enforced and advertised truthfully through GET_VALUES. */
export interface FastCgiServerOptions extends ServerOptions {
  /**
   * Permissions of a unix socket file (e.g. `0o660` so a web server in the same group can connect).
   * Default: as created (the umask applies). Ignored for TCP and fd binds.
   */
  socketMode?: number;
  /** Most concurrent connections (FCGI_MAX_CONNS; default 1024). Further connections are closed at once. */
  maxConns?: number;
  /** Most concurrent requests over all connections (FCGI_MAX_REQS; default 4096). Past it, END_REQUEST OVERLOADED. */
  maxReqs?: number;
  /**
   * Most concurrent requests on one connection (default 100, or maxReqs if lower); past it, END_REQUEST
   * OVERLOADED, so one peer cannot take every request slot. nginx and Apache send one request at a time per
   * connection. With 1, FCGI_MPXS_CONNS is advertised as 0 and a second request gets CANT_MPX_CONN.
   */
  maxReqsPerConn?: number;
  /**
   * How long a request may take from BEGIN_REQUEST to the end of its PARAMS (default 10 s); a connection
   * with a request past it is dropped and its request slots freed. Web servers send PARAMS at once.
   */
  paramsTimeoutMs?: number;
  /**
   * Serve several requests at once on one connection (FCGI_MPXS_CONNS; default true unless
   * maxReqsPerConn is 1). When false, answer CANT_MPX_CONN.
   */
  multiplex?: boolean;
  /** Most PARAMS bytes per request (default 128 KiB); past it the request gets a 431. */
  maxParamsBytes?: number;
  /** Most PARAMS pairs per request (default 1000); past it the request gets a 431. */
  maxParams?: number;
  /** Unread body bytes buffered per request before the connection's socket is paused (default 64 KiB). */
  bodyHighWater?: number;
  /** Close a connection with no request in flight after this long (default 90 s, above nginx's 60 s upstream keepalive). */
  idleTimeoutMs?: number;
  /**
   * Addresses of web servers allowed to connect over TCP (default: `FCGI_WEB_SERVER_ADDRS` from the
   * environment, comma-separated; unset means any). Other peers are disconnected at once.
   */
  webServerAddrs?: readonly string[];
  /** Serve the AUTHORIZER role too (default true). FILTER is not supported and gets UNKNOWN_ROLE. */
  authorizer?: boolean;
}

/** Resolved options. */
export interface FastCgiSettings {
  maxConns: number;
  maxReqs: number;
  maxReqsPerConn: number;
  paramsTimeoutMs: number;
  multiplex: boolean;
  maxParamsBytes: number;
  maxParams: number;
  bodyHighWater: number;
  idleTimeoutMs: number;
  webServerAddrs: ReadonlySet<string> | null;
  authorizer: boolean;
  /** The roles served, for the session. */
  roles: ReadonlySet<number>;
  development: boolean;
  multiprocess: boolean;
  scriptName: string | undefined;
}

const positive = (name: string, value: number | undefined, fallback: number): number => positiveInteger("FastCGI", name, value, fallback);

/** The default per-connection cap: far below maxReqs, far above what a multiplexing web server needs. */
const DEFAULT_REQS_PER_CONN = 100;

function perConnection(options: FastCgiServerOptions, maxReqs: number): { maxReqsPerConn: number; multiplex: boolean } {
  const maxReqsPerConn = positive("maxReqsPerConn", options.maxReqsPerConn, Math.min(DEFAULT_REQS_PER_CONN, maxReqs));
  if (maxReqsPerConn > maxReqs) {
    throw new ServerOptionError(`FastCGI option maxReqsPerConn (${maxReqsPerConn}) must not exceed maxReqs (${maxReqs}): raise maxReqs or lower maxReqsPerConn`);
  }
  if (options.multiplex === true && maxReqsPerConn === 1) {
    throw new ServerOptionError("FastCGI option multiplex: true needs maxReqsPerConn above 1: drop one of them (maxReqsPerConn: 1 means one request per connection)");
  }
  return { maxReqsPerConn, multiplex: (options.multiplex ?? true) && maxReqsPerConn > 1 };
}

/** Parses `FCGI_WEB_SERVER_ADDRS` ("127.0.0.1,10.0.0.2"). */
export function parseWebServerAddrs(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return value.split(",").map((part) => part.trim()).filter((part) => part !== "");
}

/** Validates options and fills defaults; throws naming the bad option. */
export function fastCgiSettings(options: FastCgiServerOptions, environment: NodeJS.ProcessEnv = process.env): FastCgiSettings {
  const addrs = options.webServerAddrs ?? parseWebServerAddrs(environment.FCGI_WEB_SERVER_ADDRS);
  checkSocketMode("FastCGI", options.socketMode);
  const maxReqs = positive("maxReqs", options.maxReqs, 4096);
  return {
    maxConns: positive("maxConns", options.maxConns, 1024),
    maxReqs,
    ...perConnection(options, maxReqs),
    paramsTimeoutMs: timeoutOption("FastCGI", "paramsTimeoutMs", options.paramsTimeoutMs, 10_000),
    maxParamsBytes: positive("maxParamsBytes", options.maxParamsBytes, 128 * 1024),
    maxParams: positive("maxParams", options.maxParams, 1000),
    bodyHighWater: positive("bodyHighWater", options.bodyHighWater, 64 * 1024),
    idleTimeoutMs: timeoutOption("FastCGI", "idleTimeoutMs", options.idleTimeoutMs, 90_000),
    webServerAddrs: addrs === undefined ? null : new Set(addrs),
    authorizer: options.authorizer ?? true,
    roles: new Set(options.authorizer === false ? [Role.RESPONDER] : [Role.RESPONDER, Role.AUTHORIZER]),
    development: options.development ?? false,
    multiprocess: options.multiprocess ?? false,
    scriptName: options.scriptName,
  };
}
