// nginx scgi_pass → tsgi SCGI.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { lint } from "tsgi/lint";
import { serveScgi } from "tsgi/scgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../src/server/types.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { nginxConfig, nginxScgiSite } from "../support/fcgi-hosts.js";
import app from "../support/fcgi-interop-app.js";
import { interopCases } from "../support/fcgi-interop.js";

describe.skipIf(!haveBinaries("nginx"))("nginx → SCGI", () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let nginx: Daemon;
  let base = "";

  beforeAll(async () => {
    dir = tempDir("tsgi-nginx-scgi-");
    chmodSync(dir.path, 0o755);
    server = await serveScgi(lint()(app), { bind: "127.0.0.1:0", log: memorySink() });
    const port = await freePort();
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, nginxScgiSite({ backend: `127.0.0.1:${server.port}`, listen: `127.0.0.1:${port}` })));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await nginx?.stop();
    await server?.close({ graceMs: 500 });
    dir?.remove();
  });

  interopCases(() => base);
});
