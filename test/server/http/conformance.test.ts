import { memorySink } from "tsgi";
import { serveHttp } from "tsgi/http";
import { serverConformance } from "../conformance/cases.js";
import { httpDisconnectMidReply, httpFetch } from "./client.js";

serverConformance({
  async start(app) {
    const log = memorySink();
    const server = await serveHttp(app, { bind: "127.0.0.1:0", log });
    const port = server.port as number;
    return {
      fetch: (method, path, init) => httpFetch(port, method, path, init),
      disconnectMidReply: (path) => httpDisconnectMidReply(port, path),
      logs: () => log.lines,
      close: () => server.close({ graceMs: 1000 }),
    };
  },
});
