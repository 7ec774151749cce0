/**
 * `tsgi/middleware/cors`: Cross-Origin Resource Sharing (the Fetch standard): answers preflight
 * requests and adds `Access-Control-Allow-*` headers for allowed origins.
 *
 * @example
 * ```ts
 * import { cors } from "tsgi/middleware/cors";
 * export default cors({ origins: ["https://app.example.com"], credentials: true })(api);
 * ```
 * @module
 */
import type { App, Env, HeaderList, Middleware, Reply } from "tsgi";
import { appendToken, hasHeader } from "./lib/headers.js";

/** Options for {@link cors}. */
export interface CorsOptions {
  /** `"*"` (any origin, no credentials), a list of exact origins, or a predicate. */
  origins: "*" | readonly string[] | ((origin: string, env: Env) => boolean);
  /** Methods allowed in preflight. Default GET, HEAD, POST, PUT, PATCH, DELETE. */
  methods?: readonly string[];
  /** Request headers allowed in preflight. Default: whatever the preflight asks for. */
  allowHeaders?: readonly string[];
  /** Response headers scripts may read. */
  exposeHeaders?: readonly string[];
  /** Allow cookies and HTTP auth. Not with `origins: "*"`. Default false. */
  credentials?: boolean;
  /** Seconds a browser may cache a preflight. Default 600. */
  maxAge?: number;
}

// A serialized origin (RFC 6454 6.2) as browsers send it: ASCII scheme://host[:port], or "null".
const ORIGIN = /^(?:null|[a-z][a-z0-9+.-]*:\/\/(?:\[[0-9a-f:.]+\]|[a-z0-9._~!$&'()*+,;=%-]+)(?::\d{1,5})?)$/i;
// A comma-separated list of header names (RFC 9110 tokens).
const HEADER_NAMES = /^[A-Za-z0-9!#$%&'*+.^_`|~, \t-]{0,1024}$/;

/**
 * CORS middleware: preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered here with 204.
 * What the request sends is reflected only when well-formed: an `Origin` that is not a serialized
 * origin (`scheme://host[:port]`, ASCII) is never allowed, and requested headers that are not a list
 * of header names are not echoed.
 */
export function cors(options: CorsOptions): Middleware {
  const { origins } = options;
  const credentials = options.credentials ?? false;
  if (origins === "*" && credentials) throw new TypeError('cors: credentials cannot be used with origins "*": list the origins instead');
  const list = Array.isArray(origins) ? new Set((origins as readonly string[]).map((origin) => {
    if (!/^https?:\/\/[^/\s]+$/i.test(origin)) throw new TypeError(`cors origin ${JSON.stringify(origin)} must look like https://host[:port], no path or trailing slash`);
    return origin.toLowerCase();
  })) : undefined;
  const methods = (options.methods ?? ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]).join(", ");
  const maxAge = String(options.maxAge ?? 600);
  for (const [name, names] of Object.entries({ methods: options.methods, allowHeaders: options.allowHeaders, exposeHeaders: options.exposeHeaders })) {
    if (names !== undefined && !HEADER_NAMES.test(names.join(", "))) throw new TypeError(`cors ${name} must be header names or methods (tokens); got ${JSON.stringify(names)}`);
  }
  // Only a well-formed origin is ever reflected into a header, whatever a predicate says.
  const allowed = (origin: string, env: Env): boolean => ORIGIN.test(origin)
    && (origins === "*" || (list !== undefined ? list.has(origin.toLowerCase()) : (origins as (o: string, e: Env) => boolean)(origin, env)));

  const originHeaders = (origin: string): HeaderList => {
    const headers: HeaderList = [["access-control-allow-origin", origins === "*" ? "*" : origin]];
    if (credentials) headers.push(["access-control-allow-credentials", "true"]);
    return headers;
  };

  return (app: App): App => async (env: Env): Promise<Reply> => {
    const origin = env.HTTP_ORIGIN;
    const preflight = env.REQUEST_METHOD === "OPTIONS" && origin !== undefined && env.HTTP_ACCESS_CONTROL_REQUEST_METHOD !== undefined;
    if (preflight) {
      const vary: [string, string] = ["vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"];
      if (!allowed(origin, env)) return { status: 403, headers: [["content-type", "text/plain; charset=utf-8"], vary], body: `origin ${origin} may not call this API\n` };
      const requested = env.HTTP_ACCESS_CONTROL_REQUEST_HEADERS;
      const allowHeaders = options.allowHeaders?.join(", ") ?? (requested !== undefined && HEADER_NAMES.test(requested) ? requested : undefined);
      const headers: HeaderList = [...originHeaders(origin), ["access-control-allow-methods", methods], ["access-control-max-age", maxAge], vary];
      if (allowHeaders !== undefined && allowHeaders !== "") headers.push(["access-control-allow-headers", allowHeaders]);
      return { status: 204, headers, body: "" };
    }
    const reply = await app(env);
    let headers = origins === "*" ? reply.headers : appendToken(reply.headers, "vary", "Origin");
    if (origin !== undefined && allowed(origin, env) && !hasHeader(headers, "access-control-allow-origin")) {
      headers = [...headers, ...originHeaders(origin)];
      if (options.exposeHeaders !== undefined && options.exposeHeaders.length > 0) headers.push(["access-control-expose-headers", options.exposeHeaders.join(", ")]);
    }
    return headers === reply.headers ? reply : { ...reply, headers };
  };
}
