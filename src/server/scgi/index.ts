/**
 * `tsgi/scgi`: the SCGI server. Runs any tsgi app behind nginx (`scgi_pass`), lighttpd (`mod_scgi`)
 * or Apache (`mod_proxy_scgi`).
 *
 * @example
 * ```ts
 * import { serveScgi } from "tsgi/scgi";
 * await serveScgi(app, { bind: "unix:/run/app-scgi.sock" });
 * ```
 * @module
 */
export { serveScgi, DEFAULT_SCGI_PORT } from "./server.js";
export type { ScgiServerOptions } from "./options.js";
