/** What a runtime knows about a connection besides the Request: the client's and the server's addresses. @module */
import type { Env } from "../contract.js";

/**
 * What a runtime passes as a Fetch handler's second argument, or plain strings. Deno.serve passes
 * `{ remoteAddr: { hostname, port } }`; Bun.serve passes its server, whose `requestIP(request)` is the
 * client and whose `hostname`/`port` are its own address; on node:http (e.g. @hono/node-server) pass
 * `{ remoteAddr: socket.remoteAddress, remotePort, localAddr: socket.localAddress, localPort }`.
 */
export interface ConnectionInfo {
  /** The client's address, as text or as Deno's `{ hostname, port }`. */
  remoteAddr?: string | { readonly hostname?: string; readonly port?: number; readonly transport?: string };
  /** The client's port, as text. */
  remotePort?: string;
  /** Bun's server method: the client's address and port for a request, or null. */
  requestIP?(request: Request): { address: string; port: number } | null;
  /** The server's own address, for a request without a Host header. */
  localAddr?: string;
  /** The server's own port, as text. */
  localPort?: string;
  /** Bun's server: its own address. */
  hostname?: string;
  /** Bun's server: its own port. */
  port?: number;
}

/** The addresses of one request; what the runtime does not say is "" or undefined. */
export interface Connection {
  remoteAddr: string;
  remotePort: string | undefined;
  /** The server's own name for SERVER_NAME (an IPv6 address in brackets), when known. */
  serverName: string | undefined;
  serverPort: string | undefined;
}

const UNKNOWN: Connection = { remoteAddr: "", remotePort: undefined, serverName: undefined, serverPort: undefined };

function bracketed(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}

/** The client's and the server's addresses for a request. */
export function connectionOf(request: Request, info: ConnectionInfo | undefined): Connection {
  if (info === undefined || info === null) return UNKNOWN;
  let remoteAddr = "";
  let remotePort: string | undefined;
  if (typeof info.requestIP === "function") {
    const ip = info.requestIP(request);
    if (ip !== null && ip !== undefined) {
      remoteAddr = ip.address;
      remotePort = String(ip.port);
    }
  } else if (typeof info.remoteAddr === "object" && info.remoteAddr !== null) {
    remoteAddr = info.remoteAddr.hostname ?? "";
    remotePort = info.remoteAddr.port === undefined ? undefined : String(info.remoteAddr.port);
  } else {
    remoteAddr = info.remoteAddr ?? "";
    remotePort = info.remotePort;
  }
  const local = info.localAddr ?? info.hostname;
  const localPort = info.localPort ?? (info.port === undefined ? undefined : String(info.port));
  return { remoteAddr, remotePort, serverName: local === undefined || local === "" ? undefined : bracketed(local), serverPort: localPort };
}

/** The Request's URL; Bun gives a request without Host a bare path, resolved against the server's address. */
export function urlOf(request: Request, connection: Connection): URL {
  const raw = request.url;
  if (raw.charCodeAt(0) !== 47) return new URL(raw);
  const port = connection.serverPort !== undefined ? `:${connection.serverPort}` : "";
  return new URL(raw, `http://${connection.serverName ?? "localhost"}${port}`);
}

/** A request without Host (HTTP/1.0) on a server whose address is known: SERVER_NAME/PORT are that address and there is no HTTP_HOST, as on every tsgi server. */
export function applyNoHost(env: Env, connection: Connection): void {
  env.SERVER_NAME = connection.serverName as string;
  if (connection.serverPort !== undefined) env.SERVER_PORT = connection.serverPort;
  delete (env as { HTTP_HOST?: string }).HTTP_HOST;
}
