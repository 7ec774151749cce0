/** The client's address from what a runtime passes beside the Request. @module */

/**
 * What a runtime passes as a Fetch handler's second argument, or plain strings. Deno.serve passes
 * `{ remoteAddr: { hostname, port } }`; Bun.serve passes its server, whose `requestIP(request)` says;
 * a caller may pass `{ remoteAddr: "10.0.0.1", remotePort: "5000" }`.
 */
export interface ConnectionInfo {
  /** The client's address, as text or as Deno's `{ hostname, port }`. */
  remoteAddr?: string | { readonly hostname?: string; readonly port?: number; readonly transport?: string };
  /** The client's port, as text. */
  remotePort?: string;
  /** Bun's server method: the client's address and port for a request, or null. */
  requestIP?(request: Request): { address: string; port: number } | null;
}

/** REMOTE_ADDR and REMOTE_PORT for a request; an address the runtime does not know is "". */
export function peerOf(request: Request, info: ConnectionInfo | undefined): { address: string; port: string | undefined } {
  if (info === undefined || info === null) return { address: "", port: undefined };
  if (typeof info.requestIP === "function") {
    const ip = info.requestIP(request);
    return ip === null || ip === undefined ? { address: "", port: undefined } : { address: ip.address, port: String(ip.port) };
  }
  const addr = info.remoteAddr;
  if (typeof addr === "object" && addr !== null) {
    return { address: addr.hostname ?? "", port: addr.port === undefined ? undefined : String(addr.port) };
  }
  return { address: addr ?? "", port: info.remotePort };
}
