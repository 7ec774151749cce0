/**
 * `tsgi/fastcgi`: the FastCGI server. Runs any tsgi app behind nginx (`fastcgi_pass`), Apache
 * (`mod_proxy_fcgi`, `mod_fcgid`) or lighttpd (`mod_fastcgi`, spawned with the socket on fd 0).
 *
 * @example
 * ```ts
 * import { serveFastCgi } from "tsgi/fastcgi";
 * await serveFastCgi(app, { bind: "unix:/run/app.sock" });
 * ```
 * @module
 */
export { serveFastCgi, DEFAULT_FASTCGI_PORT } from "./server.js";
export type { FastCgiServerOptions } from "./options.js";
