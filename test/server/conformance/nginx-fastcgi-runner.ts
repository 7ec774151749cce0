// serveFastCgi behind nginx, for the two runners (runners/fastcgi-nginx*.ts): keep-conn on and off.
import { memorySink } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { nginxFastCgiSite } from "../../support/fcgi-hosts.js";
import app from "./corpus-app.js";
import { linesOf, startNginx } from "./fronts.js";
import type { Runner } from "./runner.js";

/** A runner for nginx → FastCGI with upstream connections kept (`fastcgi_keep_conn on`) or not. */
export function nginxFastCgiRunner(keepConn: boolean): Runner {
  return {
    name: `FastCGI behind nginx (fastcgi_keep_conn ${keepConn ? "on" : "off"})`,
    binaries: ["nginx"],
    added: [],
    signalsTruncation: true,
    // Without keep-conn the cut is a reset (a FIN would read as the reply's end).
    ...(keepConn ? {} : {
      deviations: {
        "stream-fails-midway": {
          why: "tsgi resets the connection so nginx cannot take the cut for a normal end; nginx then drops the body bytes it had buffered and closes the client's reply without its last chunk",
          expect: { body: "" },
        },
      },
    }),
    longLived: true,
    oneProcess: true,
    async start() {
      const log = memorySink();
      const server = await serveFastCgi(app, { bind: "127.0.0.1:0", log });
      const nginx = await startNginx((listen) => nginxFastCgiSite({ backend: `127.0.0.1:${server.port}`, listen, keepConn }));
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
}
