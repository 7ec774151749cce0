/**
 * The FastCGI server's env builder, the hot path: the same result as `envFromParams` (defaults,
 * dropped names, SERVER_NAME from Host, mount re-split, HTTPS) but built as one object literal in a
 * fixed shape, gateway keys first, with a lazily made `tsgi.signal`. Params named like a gateway key
 * (`tsgi.*`) or `FCGI_ROLE` are ignored: the server sets those.
 * @module
 */
import { TSGI_VERSION, type Env, type LogSink, type RequestBody } from "../../contract.js";
import { applyScriptName, isDroppedParam } from "../../gateway/params.js";
import { LAZY_ABORT, SIGNAL_PROPERTY, type LazyAbort } from "../lazy-abort.js";

/** Per-server values every env shares. */
export interface FastCgiEnvContext {
  multiprocess: boolean;
  /** The mount point (re-splits SCRIPT_NAME/PATH_INFO), or undefined to keep what the web server sent. */
  scriptName: string | undefined;
}

function dropped(name: string): boolean {
  return isDroppedParam(name) || name === "FCGI_ROLE";
}

/** Builds the env of a FastCGI request from its PARAMS pairs. */
export function buildFastCgiEnv(params: Array<[string, string]>, context: FastCgiEnvContext, input: RequestBody, errors: LogSink, abort: LazyAbort, role: string): Env {
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
    FCGI_ROLE: role,
    "tsgi.version": TSGI_VERSION,
    "tsgi.url_scheme": "http",
    "tsgi.input": input,
    "tsgi.errors": errors,
    "tsgi.multithread": true,
    "tsgi.multiprocess": context.multiprocess,
    "tsgi.run_once": false,
    [LAZY_ABORT]: abort,
  } as unknown as Env;
  Object.defineProperty(env, "tsgi.signal", SIGNAL_PROPERTY);
  const record = env as unknown as Record<string, string>;
  for (let i = 0; i < params.length; i++) {
    const pair = params[i] as [string, string];
    const name = pair[0];
    if (dropped(name)) continue;
    record[name] = pair[1];
  }
  if (env.SCRIPT_NAME === "/") env.SCRIPT_NAME = "";
  const host = record.HTTP_HOST;
  if (env.SERVER_NAME === "" && host !== undefined) {
    const colon = host.startsWith("[") ? host.indexOf(":", host.indexOf("]")) : host.indexOf(":");
    env.SERVER_NAME = colon === -1 ? host : host.slice(0, colon);
  }
  if (context.scriptName !== undefined) applyScriptName(env, context.scriptName);
  const https = record.HTTPS;
  if (https !== undefined && (https === "on" || https.toLowerCase() === "on")) env["tsgi.url_scheme"] = "https";
  return env;
}
