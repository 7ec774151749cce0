// Apache mod_proxy_scgi → tsgi SCGI (with scriptName "/": Apache sends the whole path as SCRIPT_NAME).
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { lint } from "tsgi/lint";
import { serveScgi } from "tsgi/scgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../src/server/types.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { apacheConfig, apacheScgiSite } from "../support/fcgi-hosts.js";
import app from "../support/fcgi-interop-app.js";
import { interopCases } from "../support/fcgi-interop.js";

describe.skipIf(!haveBinaries("apache2"))("Apache mod_proxy_scgi → SCGI", () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let apache: Daemon;
  let base = "";

  beforeAll(async () => {
    dir = tempDir("tsgi-apache-scgi-");
    chmodSync(dir.path, 0o755);
    server = await serveScgi(lint()(app), { bind: "127.0.0.1:0", log: memorySink(), scriptName: "/" });
    const port = await freePort();
    const conf = join(dir.path, "apache.conf");
    writeFileSync(conf, apacheConfig(dir.path, port, apacheScgiSite({ host: "127.0.0.1", port: server.port as number })));
    apache = await startDaemon("apache2", ["-DFOREGROUND", "-f", conf], { port });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await apache?.stop();
    await server?.close({ graceMs: 500 });
    dir?.remove();
  });

  interopCases(() => base);
});
