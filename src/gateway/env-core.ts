/**
 * The one env core every server builds its env with: one object literal in a fixed shape (so V8 keeps
 * one hidden class on the hot path), a lazily made `tsgi.signal`, and one set of rules for what servers
 * derive — SERVER_NAME/PORT from Host (IPv6 literals keep their brackets, RFC 3875 §4.1.14), the scheme
 * from HTTPS, SCRIPT_NAME/PATH_INFO split at a mount point, and which CGI parameters are never copied.
 *
 * A server fills the request-specific keys between {@link createEnv} and {@link finishEnv}:
 * ```ts
 * const env = createEnv(base, input, abort);
 * copyParams(env, params);          // CGI, FastCGI, SCGI
 * finishEnv(env, base.scriptName);
 * ```
 * @module
 */
import { TSGI_VERSION, type Env, type LogSink, type RequestBody } from "../contract.js";
import { LAZY_ABORT, SIGNAL_PROPERTY, type LazyAbort } from "./lazy-abort.js";

/** What every env of one server shares. */
export interface EnvBase {
  errors: LogSink;
  multithread: boolean;
  multiprocess: boolean;
  runOnce: boolean;
  /** The server runs in development mode (`tsgi.development`). */
  development: boolean;
  /**
   * The app's mount point. When set, SCRIPT_NAME becomes this prefix and PATH_INFO the rest of the
   * request path, whatever the front server sent. Undefined keeps what was sent.
   */
  scriptName?: string | undefined;
}

/**
 * A new env with every RFC 3875 key defaulted and every gateway key but `tsgi.signal` set, in one fixed
 * shape; {@link finishEnv} adds the signal.
 *
 * @example
 * ```ts
 * const env = createEnv({ errors, multithread: true, multiprocess: false, runOnce: false, development: false }, EMPTY_INPUT, new LazyAbort());
 * ```
 */
export function createEnv(base: EnvBase, input: RequestBody, abort: LazyAbort): Env {
  const env = {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "",
    QUERY_STRING: "",
    SERVER_NAME: "",
    SERVER_PORT: "",
    SERVER_PROTOCOL: "HTTP/1.0",
    GATEWAY_INTERFACE: "CGI/1.1",
    REMOTE_ADDR: "",
    "tsgi.version": TSGI_VERSION,
    "tsgi.url_scheme": "http",
    "tsgi.input": input,
    "tsgi.errors": base.errors,
    "tsgi.multithread": base.multithread,
    "tsgi.multiprocess": base.multiprocess,
    "tsgi.run_once": base.runOnce,
    "tsgi.development": base.development,
    [LAZY_ABORT]: abort,
  } as unknown as Env;
  return env;
}

/**
 * True for CGI parameters never copied into an env: `HTTP_PROXY` (httpoxy, CVE-2016-5385), the
 * `HTTP_CONTENT_*` copies nginx sends beside `CONTENT_TYPE`/`CONTENT_LENGTH` (RFC 3875 §4.1.18 keeps
 * them out), `FCGI_ROLE`, and names in the gateway's own `tsgi.` namespace, which only the server sets.
 */
export function isDroppedParam(name: string): boolean {
  const c = name.charCodeAt(0);
  if (c === 116 /* t */) return name.startsWith("tsgi.");
  if (c === 70 /* F */) return name === "FCGI_ROLE";
  return c === 72 /* H */ && (name === "HTTP_PROXY" || name === "HTTP_CONTENT_TYPE" || name === "HTTP_CONTENT_LENGTH");
}

/**
 * A header value that was decoded from its bytes as UTF-8 (as Node decodes `process.env`), re-expressed
 * one char per byte (Latin-1), the form every server gives `HTTP_*` values, as node:http does.
 */
export function headerFromUtf8(value: string): string {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0x7f) return latin1OfUtf8(value);
  }
  return value;
}

const utf8Encoder = new TextEncoder();

function latin1OfUtf8(value: string): string {
  const bytes = utf8Encoder.encode(value);
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}

/**
 * Copies CGI parameters (a CGI environment, FastCGI PARAMS, an SCGI header) into an env, dropping
 * {@link isDroppedParam}. Header values (`HTTP_*`) are one char per byte, as node:http gives them; pass
 * `headersAsUtf8` when the source decoded them as UTF-8 (Node's `process.env`).
 */
export function copyParams(env: Env, params: Iterable<[string, string]> | Record<string, string | undefined>, headersAsUtf8 = false): void {
  if (Array.isArray(params)) {
    for (let i = 0; i < params.length; i++) {
      const pair = params[i] as [string, string];
      copyParam(env, pair[0], pair[1], headersAsUtf8);
    }
    return;
  }
  const entries = Symbol.iterator in params ? (params as Iterable<[string, string]>) : Object.entries(params);
  for (const [name, value] of entries) {
    if (typeof value === "string") copyParam(env, name, value, headersAsUtf8);
  }
}

/**
 * One parameter: dropped names never; an empty CONTENT_TYPE or CONTENT_LENGTH (nginx sends them for
 * every request) is no body information at all; a header sent twice (nginx repeats `HTTP_COOKIE`) is
 * joined as node:http joins it, Cookie with "; ", others with ", ".
 */
function copyParam(env: Env, name: string, value: string, headersAsUtf8: boolean): void {
  if (isDroppedParam(name)) return;
  const record = env as unknown as Record<string, string | undefined>;
  const c = name.charCodeAt(0);
  if (c === 72 /* H */ && name.startsWith("HTTP_")) {
    const text = headersAsUtf8 ? headerFromUtf8(value) : value;
    const previous = record[name];
    record[name] = previous === undefined ? text : previous + (name === "HTTP_COOKIE" ? "; " : ", ") + text;
    return;
  }
  if (value === "" && c === 67 /* C */ && (name === "CONTENT_TYPE" || name === "CONTENT_LENGTH")) return;
  record[name] = value;
}

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/**
 * True for a Host header value that is `uri-host [":" port]` (RFC 9112 §3.2, RFC 3986 §3.2.2): a name,
 * an IPv4 address or a bracketed IPv6 literal, then an optional decimal port. `a b`, `a/b`, `u@a`, `a:xx`
 * are not.
 */
export function isValidHost(host: string): boolean {
  if (host === lastHost.value) return lastHost.valid;
  return hostFacts(host).valid;
}

/**
 * The last Host value seen, judged and split: a connection's requests (and most clients') repeat one Host,
 * so the regex and the split run once per new value, not per request. Pure functions of the value only.
 */
const lastHost = { value: "", valid: false, name: "", port: "" };

function hostFacts(host: string): typeof lastHost {
  const [name, port] = splitHost(host);
  lastHost.valid = HOST.test(host);
  lastHost.name = name;
  lastHost.port = port;
  lastHost.value = host;
  return lastHost;
}

/**
 * Splits a Host header into name and port: `example.com:8080` → `["example.com", "8080"]`,
 * `[::1]:8080` → `["[::1]", "8080"]` (an IPv6 literal keeps its brackets), `example.com` → `["example.com", ""]`.
 */
export function splitHost(host: string): [name: string, port: string] {
  if (host.charCodeAt(0) === 91 /* [ */) {
    const end = host.indexOf("]");
    if (end === -1) return [host, ""];
    const rest = host.slice(end + 1);
    return [host.slice(0, end + 1), rest.charCodeAt(0) === 58 /* : */ ? rest.slice(1) : ""];
  }
  const colon = host.indexOf(":");
  return colon === -1 ? [host, ""] : [host.slice(0, colon), host.slice(colon + 1)];
}

/** An address as SERVER_NAME writes it: IPv6 in brackets (`::1` → `[::1]`), an IPv4-mapped one as IPv4. */
export function addressName(address: string): string {
  if (address.startsWith("::ffff:") && address.includes(".")) return address.slice(7);
  return address.includes(":") && address.charCodeAt(0) !== 91 ? `[${address}]` : address;
}

/** Percent-decodes a URL path for PATH_INFO, keeping it raw when it is malformed. */
export function decodePath(path: string): string {
  if (!path.includes("%")) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Re-splits SCRIPT_NAME/PATH_INFO at a configured mount point, taking the path from `REQUEST_URI` when the
 * front server sent one. Splits only at a segment boundary and never slices with a negative index
 * (php-fpm CVE-2019-11043); a path outside the mount is left as the front server sent it.
 */
export function applyScriptName(env: Env, scriptName: string): void {
  const mount = scriptName.endsWith("/") ? scriptName.slice(0, -1) : scriptName;
  let full = env.SCRIPT_NAME + env.PATH_INFO;
  const uri = env.REQUEST_URI;
  if (typeof uri === "string" && uri.startsWith("/")) {
    const q = uri.indexOf("?");
    full = decodePath(q === -1 ? uri : uri.slice(0, q));
  }
  if (mount === "") {
    env.SCRIPT_NAME = "";
    env.PATH_INFO = full;
  } else if (full === mount || full.startsWith(mount + "/")) {
    env.SCRIPT_NAME = mount;
    env.PATH_INFO = full.slice(mount.length);
  }
}

/**
 * Derives what every server derives the same way, after the request's own keys are in: SCRIPT_NAME `/`
 * becomes empty; SERVER_NAME (and SERVER_PORT, when Host has one) come from the Host header whatever the
 * front server said, as gunicorn does, so every path gives the name and port the client addressed; without
 * Host, SERVER_NAME is what the server or front server said, else the front server's SERVER_ADDR; the mount point re-splits the path; `HTTPS=on` selects https; and `tsgi.signal` becomes the lazy accessor over the env's {@link LazyAbort} unless the server set a signal.
 */
export function finishEnv(env: Env, scriptName: string | undefined): Env {
  if (env.SCRIPT_NAME === "/") env.SCRIPT_NAME = "";
  const host = env.HTTP_HOST;
  if (host !== undefined && host !== "") {
    const facts = host === lastHost.value ? lastHost : hostFacts(host);
    env.SERVER_NAME = facts.name;
    if (facts.port !== "") env.SERVER_PORT = facts.port;
  }
  if (env.SERVER_NAME === "" && typeof env.SERVER_ADDR === "string" && env.SERVER_ADDR !== "") env.SERVER_NAME = addressName(env.SERVER_ADDR);
  if (scriptName !== undefined) applyScriptName(env, scriptName);
  const https = env.HTTPS;
  if (https !== undefined && (https === "on" || https.toLowerCase() === "on")) env["tsgi.url_scheme"] = "https";
  // Last: an accessor added before the request's own keys makes each of their stores slower (about 2 %
  // of an HTTP hello request in situ). A server that was given a signal has set it already.
  if (env["tsgi.signal"] === undefined) Object.defineProperty(env, "tsgi.signal", SIGNAL_PROPERTY);
  return env;
}
