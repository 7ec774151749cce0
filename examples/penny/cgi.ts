/**
 * Penny as a CGI script. Point the web server at the compiled file (dist/examples/penny/cgi.js), e.g.
 * lighttpd `cgi.assign = ( ".js" => "/usr/bin/node" )` or Apache `ScriptAlias /penny /srv/penny/cgi.js`.
 * Each request starts a process that opens the SQLite file, serves one request and exits.
 */
import { runCgi } from "tsgi/cgi";
import { createPenny, optionsFromEnv } from "./app.js";

// No password check: a CGI process starts per request, and the check costs a scrypt each time.
await runCgi(await createPenny({ ...optionsFromEnv(), checkPassword: false }));
