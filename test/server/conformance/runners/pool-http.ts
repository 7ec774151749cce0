// tsgi's pre-fork pool, 2 HTTP workers each loading the corpus app, in its own master process.
import { fileURLToPath } from "node:url";
import { startPool } from "../../pool/support.js";
import type { Runner } from "../runner.js";

const runner: Runner = {
  name: "pool (2 HTTP workers)",
  binaries: [],
  added: [],
  signalsTruncation: true,
  longLived: true,
  oneProcess: false,
  async start() {
    const pool = await startPool({ spec: fileURLToPath(new URL("../corpus-app.ts", import.meta.url)), workers: 2, server: "http" });
    let closing: Promise<void> | undefined;
    return {
      port: pool.port,
      script: "",
      log: () => pool.output(),
      // SIGTERM to the master each call (a second SIGTERM must not hang it); resolves once it exits.
      close: async () => {
        pool.child.kill("SIGTERM");
        closing ??= pool.exited.then(() => undefined);
        await closing;
      },
      secondCloseStopsAtOnce: true,
      stop: () => pool.stop(),
    };
  },
};
export default runner;
