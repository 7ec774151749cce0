/**
 * `tsgi/fetch`: the bridge to and from the Fetch `Request`/`Response` standard.
 *
 * - `toFetchHandler(app)` makes a tsgi app a Fetch handler, to run on Deno, Bun or any Fetch runtime.
 * - `fromFetchHandler(handler)` makes a Fetch handler (Hono's `app.fetch`, a Workers export) a tsgi
 *   app, to run on every tsgi server (HTTP, CGI, FastCGI, SCGI, the pool) or under a mount.
 *
 * ## The reply: the same rules as every tsgi server
 *
 * `toFetchHandler` checks the reply with the gateway's reply plan, as the HTTP, CGI, FastCGI and SCGI
 * servers do: a status outside 200–599, a header name that is not a token, or a header value with a
 * character that cannot be sent as itself (CR, LF, NUL, another control character, anything above
 * U+00FF) gives `500 Internal Server Error` (`text/plain; charset=utf-8`, body
 * `Internal Server Error\n`, the stack only with `development`) and ONE line naming the problem in
 * `options.log`. HEAD keeps GET's headers (content-length too) and sends no body; 204 and 304 send
 * none; a whole body gets its content-length; a stream is pulled only as fast as the runtime reads
 * it. A stream that fails before its first chunk is the same 500; one that fails later errors the
 * Response body, so the runtime cuts the reply short; both are logged once.
 *
 * ## `tsgi.signal` on each runtime
 *
 * The bridge's `tsgi.signal` is its own. It fires when `request.signal` aborts before the reply is
 * complete, and never after: complete means a whole body handed to the runtime, or a streamed body
 * finished, cut short or cancelled by the runtime. Until the app reads `tsgi.signal` the bridge does
 * not touch `request.signal` at all. With Deno 2.9.6 and Bun 1.4.5 (test/fetch/runtimes.test.ts runs
 * both as real servers on 127.0.0.1 and asserts every row; test/fetch/bridge.test.ts the Node column):
 *
 * | event | Deno (`Deno.serve`) | Bun (`Bun.serve`) | Node (`new Request`, your own server) |
 * | --- | --- | --- | --- |
 * | client leaves before the reply | fires | fires | fires when you abort the Request's signal |
 * | client leaves mid-stream | fires (Deno aborts `request.signal`, then cancels the body) | fires (same order) | as above |
 * | reply completed | never (Deno still aborts `request.signal` after every response; the bridge ignores it) | never | never |
 * | server shutdown | `server.shutdown()` waits for in-flight requests: no abort | `server.stop(true)` aborts in-flight requests: fires | yours to decide |
 *
 * Deno prints once per process "request.signal aborts on successful responses (legacy behavior)"
 * when a handler reads `request.signal`, which the bridge does only for apps that read
 * `tsgi.signal`. It is harmless here; `deno run --unstable-no-legacy-abort` silences it (and Deno then
 * stops the late abort itself). The tests run Deno both ways.
 *
 * ## The connection: pass the runtime's second argument
 *
 * Pass the runtime's second handler argument through (`Deno.serve(opts, handler)` and
 * `Bun.serve({ fetch: handler })` do) and `REMOTE_ADDR`/`REMOTE_PORT` are the client's: Deno's
 * `info.remoteAddr`, Bun's `server.requestIP(request)`. Without it they are empty. On node:http (for
 * example @hono/node-server) pass `{ remoteAddr, remotePort, localAddr, localPort }` from the socket.
 *
 * A request without Host (HTTP/1.0) gets SERVER_NAME/SERVER_PORT from the server's own address and no
 * HTTP_HOST, as on every tsgi server, when the bridge knows that address: Bun's server says it, and
 * `localAddr`/`localPort` do. Deno's info does not: Deno makes the URL `http://localhost:PORT/...`,
 * so there SERVER_NAME is `localhost` and HTTP_HOST is `localhost:PORT`. Bun gives such a request a
 * bare path as its URL, which the bridge resolves against the server's address.
 *
 * Whole string bodies are handed to the Response as UTF-8 bytes, so no runtime adds a content-type
 * of its own and a node:http adapter sends Latin-1 header values as one byte each.
 *
 * ## `fromFetchHandler`: the Request's URL
 *
 * By default the Request's URL path is PATH_INFO alone, so a Fetch app answers the routes it was
 * written with wherever it runs: as CGI `/cgi-bin/app.cgi/sum` reaches its `/sum`, mounted with
 * `.mount("/legacy", ...)` `/legacy/sum` does, and so does `/shop/sum` behind
 * `tsgi serve --script-name /shop`. At the root (empty SCRIPT_NAME) nothing changes. Pass
 * `{ path: "full" }` for SCRIPT_NAME + PATH_INFO, the path the client asked for, when the app routes
 * with a matching base path (Hono's `basePath`) or must build absolute links from the URL.
 *
 * @example
 * ```ts
 * // Deno: deno run --allow-net server.js (a bundle of this file)
 * Deno.serve({ hostname: "127.0.0.1", port: 8000 }, toFetchHandler(app));
 * // Bun: bun server.js
 * Bun.serve({ hostname: "127.0.0.1", port: 8000, fetch: toFetchHandler(app) });
 * // A Hono app as a CGI script (tsgi bundle hono-app.ts -o app.cgi):
 * export default fromFetchHandler(new Hono().get("/sum", (c) => c.text("5")).fetch);
 * ```
 * @module
 */
export { toFetchHandler, type ToFetchOptions, type ConnectionInfo } from "./to-fetch.js";
export { fromFetchHandler, type FetchHandler, type FromFetchOptions } from "./from-fetch.js";
export { iterableToStream, streamToIterable } from "./streams.js";
