// The corpus app bundled as a CGI script (`tsgi bundle`) under lighttpd mod_cgi: one node process per request.
// lighttpd adds Accept-Ranges to every reply; a script's stderr goes to lighttpd's own stderr (no breakagelog).
// Request bodies are buffered (lighttpd's default), so a chunked upload reaches the script with a CONTENT_LENGTH.
import { fileURLToPath } from "node:url";
import { startLighttpd } from "../../../support/cgi-hosts.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "CGI under lighttpd",
  binaries: ["lighttpd"],
  added: ["accept-ranges"],
  signalsTruncation: false,
  longLived: false,
  oneProcess: false,
  deviations: {
    "not-modified-with-length": {
      why: "lighttpd removes Content-Length from every 304 (the script sends content-length: 10)",
      expect: { contentLength: "none" },
    },
    "header-empty-value": {
      why: "lighttpd drops a field with an empty value from a script's head (the script sends `x-empty: `)",
      expect: { headers: [["content-type", "text/plain; charset=utf-8"], ["x-after", "1"]] },
    },
  },
  async start() {
    const host = await startLighttpd({ corpus: fileURLToPath(new URL("../corpus-app.ts", import.meta.url)) }, { bufferRequests: true });
    return { port: host.port, script: "/fixtures/corpus.cgi", log: () => `${host.daemon.output()}\n${host.errorLog()}`, stop: () => host.stop() };
  },
};
export default runner;
