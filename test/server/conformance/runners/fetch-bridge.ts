// The Fetch bridge: toFetchHandler(app) served over node:http by @hono/node-server (the adaptor plays
// the front server: it turns the HTTP request into a Fetch Request).
import type { AddressInfo } from "node:net";
import { serve, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import { memorySink } from "tsgi";
import { toFetchHandler } from "tsgi/fetch";
import app from "../corpus-app.js";
import { linesOf } from "../fronts.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "Fetch bridge (toFetchHandler on @hono/node-server)",
  binaries: [],
  added: [],
  signalsTruncation: true,
  longLived: false,
  oneProcess: true,
  deviations: {
    "host-missing-http10": {
      why: "a Fetch Request has no Host header but always a URL, and @hono/node-server makes that URL from its hostname option, without the port, when the client sent no Host",
      expect: { body: JSON.stringify({ serverName: "127.0.0.1", serverPort: "80", httpHost: "127.0.0.1", url: "http://127.0.0.1/host-missing-http10" }) + "\n" },
    },
  },
  async start() {
    const log = memorySink();
    const handler = toFetchHandler(app, { errors: log });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({
        fetch: (request, env: HttpBindings | Http2Bindings) =>
          handler(request, { remoteAddr: env.incoming.socket.remoteAddress ?? "", remotePort: String(env.incoming.socket.remotePort ?? "") }),
        hostname: "127.0.0.1",
        port: 0,
      }, () => resolve(started));
    });
    const port = (server.address() as AddressInfo).port;
    return {
      port,
      script: "",
      log: linesOf(log),
      stop: () => new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
    };
  },
};
export default runner;
