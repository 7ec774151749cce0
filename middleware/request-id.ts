/**
 * `tsgi/middleware/request-id`: one id per request, in the env (`tsgi.request_id`) and the reply header.
 *
 * @example
 * ```ts
 * import { requestId, getRequestId } from "tsgi/middleware/request-id";
 * export default stack(requestId({ trustHeader: true }), logger(), app); // behind a proxy that sets X-Request-Id
 * ```
 * @module
 */
import { randomUUID } from "node:crypto";
import type { App, Env, Middleware, Reply } from "tsgi";
import { isHeaderValue } from "./lib/header-value.js";
import { hasHeader } from "./lib/headers.js";

/** The env key holding the request id. */
export const REQUEST_ID_KEY = "tsgi.request_id";

/** Options for {@link requestId}. */
export interface RequestIdOptions {
  /** Header read (when trusted) and written. Default `x-request-id`. */
  header?: string;
  /**
   * Accept the id the client (or the proxy in front) sent. Only turn this on behind a proxy that sets
   * or strips the header: otherwise clients choose what goes into your logs. Default false.
   */
  trustHeader?: boolean;
  /** Makes a new id. Default `crypto.randomUUID`. */
  generate?: () => string;
}

// What an accepted id may look like: short, printable, no spaces, safe in logs and headers.
const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The request id set by {@link requestId}, or undefined. */
export function getRequestId(env: Env): string | undefined {
  const id = env[REQUEST_ID_KEY];
  return typeof id === "string" ? id : undefined;
}

/**
 * Gives each request an id: the trusted incoming header when it is present and well-formed (at most
 * 128 safe characters), otherwise a new UUID. It is stored at `env["tsgi.request_id"]` and sent back in
 * the same header, unless the app already set one.
 */
export function requestId(options: RequestIdOptions = {}): Middleware {
  const header = (options.header ?? "x-request-id").toLowerCase();
  if (!/^[a-z0-9-]+$/.test(header)) throw new TypeError(`requestId header ${JSON.stringify(header)} must be letters, digits and "-"`);
  const envKey = "HTTP_" + header.toUpperCase().replaceAll("-", "_");
  const generate = options.generate ?? randomUUID;
  const trust = options.trustHeader ?? false;
  return (app: App): App => async (env: Env): Promise<Reply> => {
    const incoming = trust ? env[envKey] : undefined;
    const id = typeof incoming === "string" && SAFE_ID.test(incoming) ? incoming : generate();
    if (typeof id !== "string" || id === "" || !isHeaderValue(id)) throw new TypeError(`requestId generate() returned ${JSON.stringify(id)}: an id must be a non-empty string of printable characters (it is sent as the ${header} header)`);
    env[REQUEST_ID_KEY] = id;
    const reply = await app(env);
    if (hasHeader(reply.headers, header)) return reply;
    return { ...reply, headers: [...reply.headers, [header, id]] };
  };
}
