/**
 * An env from a URL, a method and header pairs: shared by the test client and the Fetch bridge.
 * @module
 */
import type { Env, LogSink, RequestBody } from "../contract.js";
import { createEnv, decodePath, finishEnv } from "./env-core.js";
import { addHeader } from "./headers.js";
import { LazyAbort } from "./lazy-abort.js";

export { decodePath } from "./env-core.js";

/** What {@link envFromUrl} needs besides the URL. */
export interface UrlEnvParts {
  method: string;
  url: URL;
  headers: Iterable<[string, string]>;
  input: RequestBody;
  errors: LogSink;
  /** A ready-made `tsgi.signal`; without one (and without `abort`) the signal is made lazily. */
  signal?: AbortSignal;
  /** The request's abort, read by a lazily made `tsgi.signal`. */
  abort?: LazyAbort;
  development?: boolean;
  /** Mount point to strip from the path into SCRIPT_NAME (must match at a segment boundary). */
  scriptName?: string;
  remoteAddr?: string;
  remotePort?: string;
  protocol?: string;
  multithread?: boolean;
  multiprocess?: boolean;
  runOnce?: boolean;
}

/**
 * Builds an env for a request to `url` through the env core: PATH_INFO is the decoded path below
 * `scriptName`, SERVER_NAME/PORT come from the URL, headers become `HTTP_*`.
 */
export function envFromUrl(parts: UrlEnvParts): Env {
  const { url } = parts;
  const path = decodePath(url.pathname);
  let scriptName = parts.scriptName ?? "";
  if (scriptName.endsWith("/")) scriptName = scriptName.slice(0, -1);
  let pathInfo = path;
  if (scriptName !== "") {
    if (path === scriptName || path.startsWith(scriptName + "/")) pathInfo = path.slice(scriptName.length);
    else scriptName = "";
  }
  const https = url.protocol === "https:";
  const env = createEnv({
    errors: parts.errors,
    multithread: parts.multithread ?? true,
    multiprocess: parts.multiprocess ?? false,
    runOnce: parts.runOnce ?? false,
    development: parts.development ?? false,
  }, parts.input, parts.abort ?? new LazyAbort());
  if (parts.signal !== undefined) env["tsgi.signal"] = parts.signal;
  env.REQUEST_METHOD = parts.method.toUpperCase();
  env.SCRIPT_NAME = scriptName;
  env.PATH_INFO = pathInfo;
  env.QUERY_STRING = url.search.length > 1 ? url.search.slice(1) : "";
  env.SERVER_NAME = url.hostname;
  env.SERVER_PORT = url.port !== "" ? url.port : https ? "443" : "80";
  env.SERVER_PROTOCOL = parts.protocol ?? "HTTP/1.1";
  env.REMOTE_ADDR = parts.remoteAddr ?? "127.0.0.1";
  if (parts.remotePort !== undefined) env.REMOTE_PORT = parts.remotePort;
  if (https) env.HTTPS = "on";
  let sawHost = false;
  for (const [name, value] of parts.headers) {
    const lower = name.toLowerCase();
    if (lower === "host") sawHost = true;
    addHeader(env as unknown as Record<string, unknown>, lower, value);
  }
  if (!sawHost) env.HTTP_HOST = url.host;
  return finishEnv(env, undefined);
}

/**
 * The URL a client asked for, rebuilt from an env (PEP 3333's reconstruction): scheme, Host header
 * (or SERVER_NAME and port), SCRIPT_NAME + PATH_INFO percent-encoded, and the query.
 *
 * @example
 * ```ts
 * requestUrl(env) // "https://example.com/api/books?q=x"
 * ```
 */
export function requestUrl(env: Env): string {
  const scheme = env["tsgi.url_scheme"];
  let host = env.HTTP_HOST;
  if (host === undefined || host === "") {
    const name = env.SERVER_NAME;
    host = name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
    const port = env.SERVER_PORT;
    if (port !== "" && !((scheme === "https" && port === "443") || (scheme === "http" && port === "80"))) host += ":" + port;
  }
  const path = encodeURI(env.SCRIPT_NAME + env.PATH_INFO).replaceAll("?", "%3F").replaceAll("#", "%23");
  return `${scheme}://${host}${path === "" ? "/" : path}${env.QUERY_STRING !== "" ? "?" + env.QUERY_STRING : ""}`;
}
