// lighttpd mod_scgi → tsgi SCGI (the server started by the test, on TCP).
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { lint } from "tsgi/lint";
import { serveScgi } from "tsgi/scgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../src/server/types.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { lighttpdConfig, lighttpdScgiSite } from "../support/fcgi-hosts.js";
import app from "../support/fcgi-interop-app.js";
import { interopCases } from "../support/fcgi-interop.js";

describe.skipIf(!haveBinaries("lighttpd"))("lighttpd → SCGI", () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let lighttpd: Daemon;
  let base = "";

  beforeAll(async () => {
    dir = tempDir("tsgi-lighttpd-scgi-");
    chmodSync(dir.path, 0o755);
    server = await serveScgi(lint()(app), { bind: "127.0.0.1:0", log: memorySink() });
    const port = await freePort();
    const conf = join(dir.path, "lighttpd.conf");
    writeFileSync(conf, lighttpdConfig(dir.path, port, lighttpdScgiSite({ host: "127.0.0.1", port: server.port as number })));
    lighttpd = await startDaemon("lighttpd", ["-D", "-f", conf], { port });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await lighttpd?.stop();
    await server?.close({ graceMs: 500 });
    dir?.remove();
  });

  interopCases(() => base);
});
