/** Options of the FastCGI server. @module */
import { Role } from "../../protocol/fastcgi/index.js";
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
  /** Serve several requests at once on one connection (FCGI_MPXS_CONNS; default true). When false, answer CANT_MPX_CONN. */
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

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`FastCGI option ${name} must be a positive integer; got ${value}`);
  return value;
}

/** Parses `FCGI_WEB_SERVER_ADDRS` ("127.0.0.1,10.0.0.2"). */
export function parseWebServerAddrs(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return value.split(",").map((part) => part.trim()).filter((part) => part !== "");
}

/** Validates options and fills defaults; throws naming the bad option. */
export function fastCgiSettings(options: FastCgiServerOptions, environment: NodeJS.ProcessEnv = process.env): FastCgiSettings {
  const addrs = options.webServerAddrs ?? parseWebServerAddrs(environment.FCGI_WEB_SERVER_ADDRS);
  return {
    maxConns: positive("maxConns", options.maxConns, 1024),
    maxReqs: positive("maxReqs", options.maxReqs, 4096),
    multiplex: options.multiplex ?? true,
    maxParamsBytes: positive("maxParamsBytes", options.maxParamsBytes, 128 * 1024),
    maxParams: positive("maxParams", options.maxParams, 1000),
    bodyHighWater: positive("bodyHighWater", options.bodyHighWater, 64 * 1024),
    idleTimeoutMs: positive("idleTimeoutMs", options.idleTimeoutMs, 90_000),
    webServerAddrs: addrs === undefined ? null : new Set(addrs),
    authorizer: options.authorizer ?? true,
    roles: new Set(options.authorizer === false ? [Role.RESPONDER] : [Role.RESPONDER, Role.AUTHORIZER]),
    development: options.development ?? false,
    multiprocess: options.multiprocess ?? false,
    scriptName: options.scriptName,
  };
}
