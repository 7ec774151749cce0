/** A Fetch handler `(Request) => Response` as a tsgi app. @module */
import type { App, Env, HeaderList } from "../contract.js";
import { envHeaders } from "../gateway/headers.js";
import { requestUrl } from "../gateway/url-env.js";
import { iterableToStream, streamToIterable } from "./streams.js";

/** Any Fetch-standard handler: Hono's `app.fetch`, itty-router, a Workers `fetch` export. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Options for {@link fromFetchHandler}. */
export interface FromFetchOptions {
  /**
   * What the path of the Request's URL is made of:
   * - `"path-info"` (the default): PATH_INFO alone, so the Fetch app answers its own routes wherever
   *   a server or a mount put it: as CGI `/cgi-bin/app.cgi/sum` → `/sum`, mounted at `/legacy`
   *   `/legacy/hi` → `/hi`, under `tsgi serve --script-name /shop` `/shop/x` → `/x`.
   * - `"full"`: SCRIPT_NAME + PATH_INFO, the path the client asked for; the app must route with a
   *   matching base path (Hono's `basePath("/legacy")`).
   *
   * With an empty SCRIPT_NAME (an app at the root) both give the same URL.
   */
  path?: "path-info" | "full";
}

/** The env as requestUrl sees it with SCRIPT_NAME left out. */
function withoutScriptName(env: Env): Env {
  return Object.create(env, { SCRIPT_NAME: { value: "" } }) as Env;
}

/**
 * Turns a Fetch handler into a tsgi app, so an app written for a Fetch-based framework runs on
 * every tsgi server (CGI, FastCGI, SCGI, the pool) and under a mount. The request body streams in,
 * the reply body streams out, `tsgi.signal` aborts the Request, and each `Set-Cookie` stays a
 * separate header. The Request's URL carries PATH_INFO alone unless `path: "full"` (see
 * {@link FromFetchOptions}), so the app's routes match as written.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const hono = new Hono().get("/sum", (c) => c.text("5"));
 * export default fromFetchHandler(hono.fetch);           // as CGI: /cgi-bin/app.cgi/sum answers
 * createApp().mount("/legacy", fromFetchHandler(hono.fetch)); // /legacy/sum answers
 * ```
 */
export function fromFetchHandler(handler: FetchHandler, options: FromFetchOptions = {}): App {
  const path = options.path ?? "path-info";
  if (path !== "path-info" && path !== "full") {
    throw new TypeError(`fromFetchHandler: path must be "path-info" or "full", not ${JSON.stringify(path)}`);
  }
  const full = path === "full";
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
    const url = requestUrl(full || env.SCRIPT_NAME === "" ? env : withoutScriptName(env));
    const response = await handler(new Request(url, init));
    const headers: HeaderList = [];
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers.push([name, value]);
    });
    for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
    return { status: response.status, headers, body: response.body === null ? undefined : streamToIterable(response.body) };
  };
}
