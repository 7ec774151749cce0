/**
 * The HTTP server's request facts, turned into an env by the env core: the request line, the raw
 * headers (one pass, cached keys) and the connection's addresses, computed once per connection.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Env, RequestBody } from "../../contract.js";
import { addressName, createEnv, decodePath, finishEnv, isValidHost, type EnvBase } from "../../gateway/env-core.js";
import { headerEnvKey } from "../../gateway/headers.js";
import type { LazyAbort } from "../../gateway/lazy-abort.js";

/** What a connection tells every request on it; computed once when it opens. */
export interface ConnectionFacts {
  serverPort: string;
  serverName: string;
  remoteAddr: string;
  remotePort: string | undefined;
  https: boolean;
}

const FACTS = Symbol("tsgi.connection");

function plainAddress(address: string | undefined): string {
  if (address === undefined) return "";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** Records the facts of a new connection (called from the server's `connection` event). */
export function rememberConnection(socket: Socket): void {
  const tls = (socket as Socket & { encrypted?: boolean }).encrypted === true;
  const facts: ConnectionFacts = {
    serverPort: socket.localPort === undefined ? "" : String(socket.localPort),
    serverName: addressName(socket.localAddress ?? ""),
    remoteAddr: plainAddress(socket.remoteAddress),
    remotePort: socket.remotePort === undefined ? undefined : String(socket.remotePort),
    https: tls,
  };
  (socket as Socket & { [FACTS]?: ConnectionFacts })[FACTS] = facts;
}

const UNKNOWN: ConnectionFacts = { serverPort: "", serverName: "", remoteAddr: "", remotePort: undefined, https: false };

function connectionFacts(socket: Socket): ConnectionFacts {
  return (socket as Socket & { [FACTS]?: ConnectionFacts })[FACTS] ?? UNKNOWN;
}

/** Per-server values every env shares. */
export interface HttpEnvBase extends EnvBase {
  /** Mount point without a trailing slash, or "". */
  scriptName: string;
}

/** Why a request was refused before the app saw it. */
export class Refusal {
  constructor(readonly status: number, readonly message: string) {}
}

/** Raw header names (as clients spell them) → env keys; most clients repeat the same few spellings. */
const rawKeys = new Map<string, string | null>();

function rawHeaderKey(name: string): string | null {
  let key = rawKeys.get(name);
  if (key === undefined) {
    key = headerEnvKey(name.toLowerCase());
    if (rawKeys.size < 4096) rawKeys.set(name, key);
  }
  return key;
}

function requestTarget(req: IncomingMessage): string | Refusal {
  const target = req.url ?? "/";
  if (target.charCodeAt(0) === 47 /* "/" */) return target;
  if (target.startsWith("http://") || target.startsWith("https://")) {
    try {
      const url = new URL(target);
      return url.pathname + url.search;
    } catch {
      return new Refusal(400, "malformed absolute request target");
    }
  }
  return new Refusal(400, "the request target must be a path starting with /");
}

/**
 * Builds the env of a request, or returns a refusal (an HTTP version other than 1.x, two Host
 * headers, too many header fields, a request target that is not a path).
 */
export function buildHttpEnv(req: IncomingMessage, base: HttpEnvBase, input: RequestBody, abort: LazyAbort, maxHeaders: number): Env | Refusal {
  if (req.httpVersionMajor !== 1) {
    return req.httpVersionMajor > 1
      ? new Refusal(505, `HTTP/${req.httpVersion} is not supported here; speak HTTP/1.1 (or HTTP/1.0)`)
      : new Refusal(400, "HTTP/0.9 requests are not supported; send an HTTP/1.1 request line");
  }
  const raw = req.rawHeaders;
  if (raw.length > maxHeaders * 2) return new Refusal(431, `too many header fields: the limit is ${maxHeaders}`);
  const target = requestTarget(req);
  if (typeof target !== "string") return target;
  const facts = connectionFacts(req.socket);
  const q = target.indexOf("?");
  let path = decodePath(q === -1 ? target : target.slice(0, q));
  let scriptName = base.scriptName;
  if (scriptName !== "") {
    if (path === scriptName || path.startsWith(scriptName + "/")) path = path.slice(scriptName.length);
    else scriptName = "";
  }
  const env = createEnv(base, input, abort);
  env.REQUEST_METHOD = req.method as string;
  env.SCRIPT_NAME = scriptName;
  env.PATH_INFO = path;
  env.QUERY_STRING = q === -1 ? "" : target.slice(q + 1);
  env.SERVER_PORT = facts.serverPort;
  env.SERVER_PROTOCOL = req.httpVersionMinor === 1 ? "HTTP/1.1" : "HTTP/" + req.httpVersion;
  env.REMOTE_ADDR = facts.remoteAddr;
  if (facts.remotePort !== undefined) env.REMOTE_PORT = facts.remotePort;
  if (facts.https) env.HTTPS = "on";
  const record = env as unknown as Record<string, string | undefined>;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const key = rawHeaderKey(raw[i] as string);
    if (key === null) continue;
    const value = raw[i + 1] as string;
    if (key === "HTTP_HOST") {
      if (++hosts > 1) return new Refusal(400, "more than one Host header");
      if (!isValidHost(value)) return new Refusal(400, "the Host header is not a host name with an optional port (RFC 9112 3.2)");
    }
    const previous = record[key];
    record[key] = previous === undefined ? value : previous + (key === "HTTP_COOKIE" ? "; " : ", ") + value;
  }
  env.SERVER_NAME = facts.serverName;
  return finishEnv(env, undefined);
}
