/**
 * CGI-style parameters (from a CGI process environment, FastCGI PARAMS or an SCGI header) to an {@link Env}.
 * Shared by the CGI, FastCGI and SCGI servers.
 * @module
 */
import { TSGI_VERSION, type Env, type LogSink, type RequestBody } from "../contract.js";
import { decodePath } from "./url-env.js";

/** The gateway keys a server supplies along with the parameters. */
export interface GatewayFields {
  input: RequestBody;
  errors: LogSink;
  signal: AbortSignal;
  multithread: boolean;
  multiprocess: boolean;
  runOnce: boolean;
  /**
   * The app's mount point. When set, SCRIPT_NAME becomes this prefix and PATH_INFO the rest of the
   * request path, whatever the front server sent (nginx sends the whole path as SCRIPT_NAME by default).
   */
  scriptName?: string | undefined;
}

/**
 * True for parameters never copied into an env: `HTTP_PROXY` (httpoxy, CVE-2016-5385), the `HTTP_CONTENT_*`
 * copies nginx sends beside `CONTENT_TYPE`/`CONTENT_LENGTH` (RFC 3875 §4.1.18 keeps them out), and
 * names in the gateway's own `tsgi.` namespace, which only the server sets.
 */
export function isDroppedParam(name: string): boolean {
  const c = name.charCodeAt(0);
  if (c === 116 /* t */) return name.startsWith("tsgi.");
  return c === 72 /* H */ && (name === "HTTP_PROXY" || name === "HTTP_CONTENT_TYPE" || name === "HTTP_CONTENT_LENGTH");
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
 * Builds an env from CGI parameters. Missing RFC 3875 variables get safe defaults (empty strings,
 * `GATEWAY_INTERFACE` `CGI/1.1`), `SERVER_NAME` falls back to the Host header, and `HTTPS=on`
 * selects the `https` scheme.
 *
 * @example
 * ```ts
 * const env = envFromParams(process.env, { input, errors, signal, multithread: false, multiprocess: true, runOnce: true });
 * ```
 */
export function envFromParams(params: Iterable<[string, string]> | Record<string, string | undefined>, gateway: GatewayFields): Env {
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
  } as Env;
  const entries = Symbol.iterator in params ? (params as Iterable<[string, string]>) : Object.entries(params);
  for (const [name, value] of entries) {
    if (typeof value !== "string" || isDroppedParam(name)) continue;
    env[name] = value;
  }
  if (env.SCRIPT_NAME === "/") env.SCRIPT_NAME = "";
  if (env.SERVER_NAME === "" && typeof env.HTTP_HOST === "string") {
    const host = env.HTTP_HOST;
    const colon = host.startsWith("[") ? host.indexOf(":", host.indexOf("]")) : host.indexOf(":");
    env.SERVER_NAME = colon === -1 ? host : host.slice(0, colon);
  }
  if (gateway.scriptName !== undefined) applyScriptName(env, gateway.scriptName);
  const https = typeof env.HTTPS === "string" && env.HTTPS.toLowerCase() === "on";
  env["tsgi.version"] = TSGI_VERSION;
  env["tsgi.url_scheme"] = https ? "https" : "http";
  env["tsgi.input"] = gateway.input;
  env["tsgi.errors"] = gateway.errors;
  env["tsgi.signal"] = gateway.signal;
  env["tsgi.multithread"] = gateway.multithread;
  env["tsgi.multiprocess"] = gateway.multiprocess;
  env["tsgi.run_once"] = gateway.runOnce;
  return env;
}
