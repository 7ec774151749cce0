// The corpus app bundled as a CGI script (`tsgi bundle`) under lighttpd mod_cgi: one node process per request.
// lighttpd adds Accept-Ranges to every reply; a script's stderr goes to lighttpd's own stderr (no breakagelog).
import { fileURLToPath } from "node:url";
import { startLighttpd } from "../../../support/cgi-hosts.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "CGI under lighttpd",
  binaries: ["lighttpd"],
  added: ["accept-ranges"],
  signalsTruncation: false,
  oneProcess: false,
  async start() {
    const host = await startLighttpd({ corpus: fileURLToPath(new URL("../corpus-app.ts", import.meta.url)) });
    return { port: host.port, script: "/fixtures/corpus.cgi", log: () => `${host.daemon.output()}\n${host.errorLog()}`, stop: () => host.stop() };
  },
};
export default runner;
