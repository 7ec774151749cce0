/** A tsgi app as a Fetch handler `(Request) => Promise<Response>`. @module */
import type { App, LogSink } from "../contract.js";
import { EMPTY_INPUT, RequestInput, isStreamBody } from "../gateway/body.js";
import { callApp } from "../gateway/call.js";
import { statusForbidsBody } from "../gateway/status.js";
import { envFromUrl } from "../gateway/url-env.js";
import { iterableToStream, streamToIterable } from "./streams.js";

/** Options for {@link toFetchHandler}. */
export interface ToFetchOptions {
  /** Mount point stripped from the path into SCRIPT_NAME. */
  scriptName?: string;
  /** Log sink for `tsgi.errors` (default: console.error). */
  errors?: LogSink;
  /** Show stacks of server errors to clients. Never in production. */
  development?: boolean;
}

/** Per-request facts a runtime knows and a Request does not carry. */
export interface ConnectionInfo {
  remoteAddr?: string;
  remotePort?: string;
}

const consoleSink: LogSink = { write: (message) => console.error(message.replace(/\n$/, "")) };

/**
 * Turns a tsgi app into a Fetch handler, so it runs on any Fetch-standard runtime (Deno, Bun,
 * Cloudflare Workers, a service worker) or inside another Fetch-based framework.
 * Streamed replies stream; the Request's signal becomes `tsgi.signal`; repeated headers and
 * every `Set-Cookie` survive.
 *
 * @example
 * ```ts
 * const handler = toFetchHandler(app);
 * Deno.serve((request) => handler(request));
 * ```
 */
export function toFetchHandler(app: App, options: ToFetchOptions = {}): (request: Request, info?: ConnectionInfo) => Promise<Response> {
  const errors = options.errors ?? consoleSink;
  return async (request, info = {}) => {
    const env = envFromUrl({
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      input: request.body === null ? EMPTY_INPUT : new RequestInput(streamToIterable(request.body)),
      errors,
      signal: request.signal,
      ...(options.scriptName !== undefined ? { scriptName: options.scriptName } : {}),
      remoteAddr: info.remoteAddr ?? "",
      ...(info.remotePort !== undefined ? { remotePort: info.remotePort } : {}),
    });
    let reply = await callApp(app, env, options.development);
    if (reply.status < 200 || reply.status > 599) {
      reply = await callApp(() => { throw new RangeError(`a Fetch Response cannot carry status ${reply.status}`); }, env, options.development);
    }
    const headers = new Headers();
    for (const [name, value] of reply.headers) headers.append(name, value);
    const body = reply.body;
    if (request.method === "HEAD" || statusForbidsBody(reply.status) || body === undefined || body === null) {
      return new Response(null, { status: reply.status, headers });
    }
    return new Response(isStreamBody(body) ? iterableToStream(body) : body, { status: reply.status, headers });
  };
}
