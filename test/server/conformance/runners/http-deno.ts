// tsgi's own HTTP server (serveHttp on node:http) running under Deno: the corpus app bundled by esbuild
// with the tsgi sources (test/runtimes/fixtures/serve-corpus.ts), started on 127.0.0.1.
import { findRuntime, startUnder } from "../../../runtimes/host.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "HTTP (serveHttp) on Deno",
  // Not on PATH but shipped by the deno devDependency: named as missing (skip, or fail in CI) only when absent.
  binaries: findRuntime("deno") === undefined ? ["deno"] : [],
  added: [],
  signalsTruncation: true,
  longLived: true,
  oneProcess: true,
  async start() {
    const server = await startUnder("deno", "test/runtimes/fixtures/serve-corpus.ts");
    return { port: server.port, script: "", log: server.stderr, close: server.close, stop: server.stop };
  },
};
export default runner;
