/**
 * CGI-style parameters (a CGI process environment, FastCGI PARAMS, an SCGI header) to an {@link Env},
 * through the one env core. Used by the CGI, FastCGI and SCGI servers.
 * @module
 */
import type { Env, LogSink, RequestBody } from "../contract.js";
import { copyParams, createEnv, finishEnv } from "./env-core.js";
import { LazyAbort } from "./lazy-abort.js";

export { applyScriptName, isDroppedParam } from "./env-core.js";

/** The gateway keys a server supplies along with the parameters. */
export interface GatewayFields {
  input: RequestBody;
  errors: LogSink;
  /** The request's abort; a lazily made `tsgi.signal` reads it. */
  abort?: LazyAbort;
  /** A ready-made signal instead of {@link abort}. */
  signal?: AbortSignal;
  multithread: boolean;
  multiprocess: boolean;
  runOnce: boolean;
  development?: boolean;
  /** The parameters came from Node's `process.env`, which decoded header values as UTF-8. */
  headersAsUtf8?: boolean;
  /**
   * The app's mount point. When set, SCRIPT_NAME becomes this prefix and PATH_INFO the rest of the
   * request path, whatever the front server sent (nginx sends the whole path as SCRIPT_NAME by default).
   */
  scriptName?: string | undefined;
}

/**
 * Builds an env from CGI parameters. Missing RFC 3875 variables get safe defaults (empty strings,
 * `GATEWAY_INTERFACE` `CGI/1.1`), `SERVER_NAME` falls back to the Host header, and `HTTPS=on`
 * selects the `https` scheme.
 *
 * @example
 * ```ts
 * const env = envFromParams(process.env, { input, errors, abort, multithread: false, multiprocess: true, runOnce: true });
 * ```
 */
export function envFromParams(params: Iterable<[string, string]> | Record<string, string | undefined>, gateway: GatewayFields): Env {
  const env = createEnv(
    { errors: gateway.errors, multithread: gateway.multithread, multiprocess: gateway.multiprocess, runOnce: gateway.runOnce, development: gateway.development === true },
    gateway.input,
    gateway.abort ?? new LazyAbort(),
  );
  if (gateway.signal !== undefined) env["tsgi.signal"] = gateway.signal;
  copyParams(env, params, gateway.headersAsUtf8 === true);
  return finishEnv(env, gateway.scriptName);
}
