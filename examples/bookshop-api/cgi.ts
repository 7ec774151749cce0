/**
 * The bookshop as a CGI script: point the web server at the compiled file (one esbuild bundle, or
 * dist/examples/bookshop-api/cgi.js), with BOOKSHOP_TOKENS in its environment. Each request starts a
 * process with the seeded store, so writes do not persist between requests here.
 */
import { runCgi } from "tsgi/cgi";
import { createBookshop, optionsFromEnv } from "./app.js";

await runCgi(createBookshop(optionsFromEnv()));
