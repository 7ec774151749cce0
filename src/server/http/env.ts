/**
 * The HTTP server's env builder: the hot path. One object literal in a fixed shape, headers added
 * in one pass over `rawHeaders` with cached keys, connection facts computed once per connection.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { TSGI_VERSION, type Env, type LogSink, type RequestBody } from "../../contract.js";
import { headerEnvKey } from "../../gateway/headers.js";
import { decodePath } from "../../gateway/url-env.js";
import { LAZY_ABORT, SIGNAL_PROPERTY, type LazyAbort } from "../lazy-abort.js";

/** What a connection tells every request on it; computed once when it opens. */
export interface ConnectionFacts {
  serverPort: string;
  serverAddress: string;
  remoteAddr: string;
  remotePort: string | undefined;
  https: boolean;
}

const FACTS = Symbol("tsgi.connection");

/** Records the facts of a new connection (called from the server's `connection` event). */
export function rememberConnection(socket: Socket): void {
  const tls = (socket as Socket & { encrypted?: boolean }).encrypted === true;
  const facts: ConnectionFacts = {
    serverPort: socket.localPort === undefined ? "" : String(socket.localPort),
    serverAddress: socket.localAddress ?? "",
    remoteAddr: socket.remoteAddress ?? "",
    remotePort: socket.remotePort === undefined ? undefined : String(socket.remotePort),
    https: tls,
  };
  (socket as Socket & { [FACTS]?: ConnectionFacts })[FACTS] = facts;
}

const UNKNOWN: ConnectionFacts = { serverPort: "", serverAddress: "", remoteAddr: "", remotePort: undefined, https: false };

function connectionFacts(socket: Socket): ConnectionFacts {
  return (socket as Socket & { [FACTS]?: ConnectionFacts })[FACTS] ?? UNKNOWN;
}

/** Per-server values every env shares. */
export interface EnvContext {
  errors: LogSink;
  multiprocess: boolean;
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

function hostName(host: string): string {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(1, end);
  }
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * Builds the env of a request, or returns a refusal (two Host headers, too many header fields, a
 * request target that is not a path). `input` and `abort` are created by the caller.
 */
export function buildHttpEnv(req: IncomingMessage, context: EnvContext, input: RequestBody, abort: LazyAbort, maxHeaders: number): Env | Refusal {
  const raw = req.rawHeaders;
  if (raw.length > maxHeaders * 2) return new Refusal(431, `too many header fields: the limit is ${maxHeaders}`);
  const facts = connectionFacts(req.socket);
  let target = req.url ?? "/";
  if (target.charCodeAt(0) !== 47 /* "/" */) {
    if (target.startsWith("http://") || target.startsWith("https://")) {
      try {
        const url = new URL(target);
        target = url.pathname + url.search;
      } catch {
        return new Refusal(400, "malformed absolute request target");
      }
    } else {
      return new Refusal(400, "the request target must be a path starting with /");
    }
  }
  const q = target.indexOf("?");
  let path = decodePath(q === -1 ? target : target.slice(0, q));
  let scriptName = context.scriptName;
  if (scriptName !== "") {
    if (path === scriptName || path.startsWith(scriptName + "/")) path = path.slice(scriptName.length);
    else scriptName = "";
  }
  const env = {
    REQUEST_METHOD: req.method as string,
    SCRIPT_NAME: scriptName,
    PATH_INFO: path,
    QUERY_STRING: q === -1 ? "" : target.slice(q + 1),
    SERVER_NAME: facts.serverAddress,
    SERVER_PORT: facts.serverPort,
    SERVER_PROTOCOL: req.httpVersion === "1.1" ? "HTTP/1.1" : "HTTP/" + req.httpVersion,
    GATEWAY_INTERFACE: "CGI/1.1",
    REMOTE_ADDR: facts.remoteAddr,
    "tsgi.version": TSGI_VERSION,
    "tsgi.url_scheme": facts.https ? "https" : "http",
    "tsgi.input": input,
    "tsgi.errors": context.errors,
    "tsgi.multithread": true,
    "tsgi.multiprocess": context.multiprocess,
    "tsgi.run_once": false,
    [LAZY_ABORT]: abort,
  } as unknown as Env;
  Object.defineProperty(env, "tsgi.signal", SIGNAL_PROPERTY);
  if (facts.remotePort !== undefined) env.REMOTE_PORT = facts.remotePort;
  if (facts.https) env.HTTPS = "on";
  const record = env as unknown as Record<string, string | undefined>;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const key = rawHeaderKey(raw[i] as string);
    if (key === null) continue;
    const value = raw[i + 1] as string;
    if (key === "HTTP_HOST" && ++hosts > 1) return new Refusal(400, "more than one Host header");
    const previous = record[key];
    record[key] = previous === undefined ? value : previous + (key === "HTTP_COOKIE" ? "; " : ", ") + value;
  }
  const host = record.HTTP_HOST;
  if (host !== undefined && host !== "") env.SERVER_NAME = hostName(host);
  return env;
}
