// The corpus app bundled as a CGI script under Apache httpd (prefork + mod_cgi): one node process per request.
import { fileURLToPath } from "node:url";
import { startApache } from "../../../support/cgi-hosts.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "CGI under Apache (prefork, mod_cgi)",
  binaries: ["apache2", "setsid"],
  added: [],
  signalsTruncation: false,
  oneProcess: false,
  async start() {
    const host = await startApache("prefork", { corpus: fileURLToPath(new URL("../corpus-app.ts", import.meta.url)) });
    return { port: host.port, script: "/fixtures/corpus.cgi", log: () => host.errorLog(), stop: () => host.stop() };
  },
};
export default runner;
