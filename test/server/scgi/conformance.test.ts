// The shared server conformance suite against the SCGI server, through the test client (playing nginx).
import { memorySink } from "tsgi";
import { serveScgi } from "tsgi/scgi";
import { encodeScgiRequest } from "tsgi/protocol/scgi";
import { serverConformance } from "../conformance/cases.js";
import { bodyBytes, cgiParams } from "../../support/cgi-response.js";
import { scgiConnect, scgiFetch } from "../../support/scgi-client.js";

serverConformance({
  async start(app) {
    const log = memorySink();
    const server = await serveScgi(app, { bind: "127.0.0.1:0", log });
    const port = server.port as number;
    return {
      async fetch(method, path, init = {}) {
        const body = await bodyBytes(init.body);
        return scgiFetch(port, cgiParams(method, path, init.headers ?? [], body?.length, port), body);
      },
      async disconnectMidReply(path) {
        const socket = await scgiConnect(port);
        const first = new Promise<void>((resolve) => socket.once("data", () => resolve()));
        socket.write(encodeScgiRequest(cgiParams("GET", path, [], undefined, port).filter(([name]) => name !== "CONTENT_LENGTH")));
        await first;
        socket.destroy();
      },
      logs: () => log.lines,
      close: () => server.close({ graceMs: 1000 }),
    };
  },
});
