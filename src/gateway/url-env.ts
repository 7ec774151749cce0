/**
 * An env from a URL, a method and header pairs: shared by the test client and the Fetch bridge.
 * (The HTTP server builds its env inline, on its hot path.)
 * @module
 */
import { TSGI_VERSION, type Env, type LogSink, type RequestBody } from "../contract.js";
import { addHeader } from "./headers.js";

/** What {@link envFromUrl} needs besides the URL. */
export interface UrlEnvParts {
  method: string;
  url: URL;
  headers: Iterable<[string, string]>;
  input: RequestBody;
  errors: LogSink;
  signal: AbortSignal;
  /** Mount point to strip from the path into SCRIPT_NAME (must match at a segment boundary). */
  scriptName?: string;
  remoteAddr?: string;
  remotePort?: string;
  protocol?: string;
  multithread?: boolean;
  multiprocess?: boolean;
  runOnce?: boolean;
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
 * Builds an env for a request to `url`: PATH_INFO is the decoded path below `scriptName`,
 * SERVER_NAME/PORT come from the URL, headers become `HTTP_*`.
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
  const env = {
    REQUEST_METHOD: parts.method.toUpperCase(),
    SCRIPT_NAME: scriptName,
    PATH_INFO: pathInfo,
    QUERY_STRING: url.search.length > 1 ? url.search.slice(1) : "",
    SERVER_NAME: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
    SERVER_PORT: url.port !== "" ? url.port : https ? "443" : "80",
    SERVER_PROTOCOL: parts.protocol ?? "HTTP/1.1",
    GATEWAY_INTERFACE: "CGI/1.1",
    REMOTE_ADDR: parts.remoteAddr ?? "127.0.0.1",
  } as Env;
  if (parts.remotePort !== undefined) env.REMOTE_PORT = parts.remotePort;
  if (https) env.HTTPS = "on";
  let sawHost = false;
  for (const [name, value] of parts.headers) {
    const lower = name.toLowerCase();
    if (lower === "host") sawHost = true;
    addHeader(env as unknown as Record<string, unknown>, lower, value);
  }
  if (!sawHost) env.HTTP_HOST = url.host;
  env["tsgi.version"] = TSGI_VERSION;
  env["tsgi.url_scheme"] = https ? "https" : "http";
  env["tsgi.input"] = parts.input;
  env["tsgi.errors"] = parts.errors;
  env["tsgi.signal"] = parts.signal;
  env["tsgi.multithread"] = parts.multithread ?? true;
  env["tsgi.multiprocess"] = parts.multiprocess ?? false;
  env["tsgi.run_once"] = parts.runOnce ?? false;
  return env;
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
    host = env.SERVER_NAME.includes(":") ? `[${env.SERVER_NAME}]` : env.SERVER_NAME;
    const port = env.SERVER_PORT;
    if (port !== "" && !((scheme === "https" && port === "443") || (scheme === "http" && port === "80"))) host += ":" + port;
  }
  const path = encodeURI(env.SCRIPT_NAME + env.PATH_INFO).replaceAll("?", "%3F").replaceAll("#", "%23");
  return `${scheme}://${host}${path === "" ? "/" : path}${env.QUERY_STRING !== "" ? "?" + env.QUERY_STRING : ""}`;
}
