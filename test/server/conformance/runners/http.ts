// tsgi's own HTTP server (serveHttp on node:http), no front server.
import { memorySink } from "tsgi";
import { serveHttp } from "tsgi/http";
import app from "../corpus-app.js";
import { linesOf } from "../fronts.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "HTTP (serveHttp)",
  binaries: [],
  added: [],
  signalsTruncation: true,
  longLived: true,
  oneProcess: true,
  async start() {
    const log = memorySink();
    const server = await serveHttp(app, { bind: "127.0.0.1:0", log });
    return { port: server.port as number, script: "", log: linesOf(log), close: () => server.close({ graceMs: 3000 }), stop: () => server.close({ graceMs: 500 }) };
  },
};
export default runner;
