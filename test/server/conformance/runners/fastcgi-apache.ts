// serveFastCgi behind Apache httpd mod_proxy_fcgi, which re-frames bodies (drops Content-Length, sends chunked).
import { memorySink } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { apacheFcgiSite } from "../../../support/fcgi-hosts.js";
import app from "../corpus-app.js";
import { linesOf, startApacheFront } from "../fronts.js";
import { APACHE_DEVIATIONS } from "../apache-deviations.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "FastCGI behind Apache (mod_proxy_fcgi)",
  binaries: ["apache2"],
  added: [],
  signalsTruncation: true,
  reframes: true,
  deviations: APACHE_DEVIATIONS,
  longLived: true,
  oneProcess: true,
  async start() {
    const log = memorySink();
    const server = await serveFastCgi(app, { bind: "127.0.0.1:0", log });
    const apache = await startApacheFront(apacheFcgiSite({ host: "127.0.0.1", port: server.port as number }));
    return {
      port: apache.port,
      script: "",
      log: linesOf(log),
      frontLog: () => apache.errorLog(),
      close: () => server.close({ graceMs: 3000 }),
      stop: async () => {
        await apache.stop();
        await server.close({ graceMs: 500 });
      },
    };
  },
};
export default runner;
