// serveScgi behind nginx (scgi_pass).
import { memorySink } from "tsgi";
import { serveScgi } from "tsgi/scgi";
import { nginxScgiSite } from "../../../support/fcgi-hosts.js";
import app from "../corpus-app.js";
import { linesOf, startNginx } from "../fronts.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "SCGI behind nginx",
  binaries: ["nginx"],
  added: [],
  signalsTruncation: true,
  deviations: {
    "stream-fails-midway": {
      why: "tsgi resets the connection so nginx cannot take the cut for a normal end; nginx then drops the body bytes it had buffered and closes the client's reply without its last chunk",
      expect: { body: "" },
    },
  },
  longLived: true,
  oneProcess: true,
  async start() {
    const log = memorySink();
    const server = await serveScgi(app, { bind: "127.0.0.1:0", log });
    const nginx = await startNginx((listen) => nginxScgiSite({ backend: `127.0.0.1:${server.port}`, listen }));
    return {
      port: nginx.port,
      script: "",
      log: linesOf(log),
      frontLog: () => nginx.errorLog(),
      close: () => server.close({ graceMs: 3000 }),
      stop: async () => {
        await nginx.stop();
        await server.close({ graceMs: 500 });
      },
    };
  },
};
export default runner;
