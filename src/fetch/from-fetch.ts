/** A Fetch handler `(Request) => Response` as a tsgi app. @module */
import type { App, HeaderList } from "../contract.js";
import { envHeaders } from "../gateway/headers.js";
import { requestUrl } from "../gateway/url-env.js";
import { iterableToStream, streamToIterable } from "./streams.js";

/** Any Fetch-standard handler: Hono's `app.fetch`, itty-router, a Workers `fetch` export. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Turns a Fetch handler into a tsgi app, so an app written for a Fetch-based framework runs on
 * every tsgi server (CGI, FastCGI, SCGI, the pool). The request body streams in, the reply body
 * streams out, `tsgi.signal` aborts the Request, and each `Set-Cookie` stays a separate header.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const hono = new Hono().get("/", (c) => c.text("hi"));
 * export default fromFetchHandler(hono.fetch);
 * ```
 */
export function fromFetchHandler(handler: FetchHandler): App {
  return async (env) => {
    const method = env.REQUEST_METHOD;
    const hasBody = method !== "GET" && method !== "HEAD";
    const init: RequestInit & { duplex?: "half" } = {
      method,
      headers: envHeaders(env),
      signal: env["tsgi.signal"],
    };
    if (hasBody) {
      init.body = iterableToStream(env["tsgi.input"]);
      init.duplex = "half";
    }
    const response = await handler(new Request(requestUrl(env), init));
    const headers: HeaderList = [];
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers.push([name, value]);
    });
    for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
    return { status: response.status, headers, body: response.body === null ? undefined : streamToIterable(response.body) };
  };
}
