// The corpus app bundled as a CGI script under Apache httpd (prefork + mod_cgi): one node process per request.
// Apache re-frames the script's output (drops its Content-Length, sends chunked); its stderr goes to the error log.
import { fileURLToPath } from "node:url";
import { startApache } from "../../../support/cgi-hosts.js";
import { APACHE_DEVIATIONS } from "../apache-deviations.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "CGI under Apache (prefork, mod_cgi)",
  binaries: ["apache2"],
  added: [],
  signalsTruncation: false,
  reframes: true,
  deviations: APACHE_DEVIATIONS,
  longLived: false,
  oneProcess: false,
  async start() {
    const host = await startApache("prefork", { corpus: fileURLToPath(new URL("../corpus-app.ts", import.meta.url)) });
    return { port: host.port, script: "/fixtures/corpus.cgi", log: () => host.errorLog(), stop: () => host.stop() };
  },
};
export default runner;
