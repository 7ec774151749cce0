/** A tsgi app as a Fetch handler `(Request) => Promise<Response>`. @module */
import type { App, LogSink } from "../contract.js";
import { EMPTY_INPUT, RequestInput } from "../gateway/body.js";
import { invoke } from "../gateway/invoke.js";
import { planReply } from "../gateway/reply-plan.js";
import { envFromUrl } from "../gateway/url-env.js";
import { BridgeAbort } from "./bridge-abort.js";
import { applyNoHost, connectionOf, urlOf, type ConnectionInfo } from "./connection-info.js";
import { planResponse } from "./response-sink.js";
import { streamToIterable } from "./streams.js";

/** Options for {@link toFetchHandler}. */
export interface ToFetchOptions {
  /** Mount point stripped from the path into SCRIPT_NAME. */
  scriptName?: string;
  /** Log sink for `tsgi.errors` (default: console.error). */
  errors?: LogSink;
  /** The bridge's own log: app failures and invalid replies, one line each (default: the `errors` sink). */
  log?: LogSink;
  /** Show stacks of server errors to clients. Never in production. */
  development?: boolean;
}

const consoleSink: LogSink = { write: (message) => console.error(message.replace(/\n$/, "")) };

/**
 * Turns a tsgi app into a Fetch handler, so it runs on any Fetch-standard runtime (Deno, Bun,
 * Cloudflare Workers, a service worker) or inside another Fetch-based framework.
 *
 * - The reply goes through the same checks as on every tsgi server: a status outside 200–599 or a
 *   header that cannot be sent as itself (CR, LF, NUL, a character above U+00FF) gives
 *   `500 Internal Server Error` and one line in `options.log`; HEAD, 204 and 304 carry no body; a
 *   whole body gets its content-length; a stream that fails before its first chunk is a 500, later
 *   the Response body errors and the runtime cuts the reply short.
 * - `tsgi.signal` is the bridge's own: it fires when `request.signal` aborts before the reply is
 *   complete (the client went away, the runtime shut down), never after a completed reply — Deno
 *   aborts `request.signal` after every response it sent.
 * - Pass the runtime's second handler argument on and REMOTE_ADDR/REMOTE_PORT are the client's
 *   (Deno's `info.remoteAddr`, Bun's `server.requestIP(request)`); with the server's own address
 *   (Bun's server, or `localAddr`/`localPort`) a request without Host gets SERVER_NAME/PORT from it
 *   and no HTTP_HOST, as on every tsgi server.
 *
 * @example
 * ```ts
 * const handler = toFetchHandler(app);
 * Deno.serve({ hostname: "127.0.0.1", port: 8000 }, handler);
 * Bun.serve({ hostname: "127.0.0.1", port: 8000, fetch: handler });
 * ```
 */
export function toFetchHandler(app: App, options: ToFetchOptions = {}): (request: Request, info?: ConnectionInfo) => Promise<Response> {
  const errors = options.errors ?? consoleSink;
  const log = options.log ?? errors;
  const development = options.development === true;
  return async (request, info) => {
    const abort = new BridgeAbort(request);
    const connection = connectionOf(request, info);
    const env = envFromUrl({
      method: request.method,
      url: urlOf(request, connection),
      headers: request.headers,
      input: request.body === null ? EMPTY_INPUT : new RequestInput(streamToIterable(request.body)),
      errors,
      abort,
      development,
      ...(options.scriptName !== undefined ? { scriptName: options.scriptName } : {}),
      remoteAddr: connection.remoteAddr,
      ...(connection.remotePort !== undefined ? { remotePort: connection.remotePort } : {}),
    });
    if (connection.serverName !== undefined && !request.headers.has("host")) applyNoHost(env, connection);
    const reply = await invoke(app, env, log, development);
    return planResponse(planReply(reply, env.REQUEST_METHOD, development), env, log, development, () => abort.complete());
  };
}

export type { ConnectionInfo } from "./connection-info.js";
