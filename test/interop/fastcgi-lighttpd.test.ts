// lighttpd mod_fastcgi in spawn mode (bin-path: lighttpd starts the app with its socket on fd 0) → tsgi FastCGI.
import { chmodSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { lighttpdConfig, lighttpdFastCgiSite } from "../support/fcgi-hosts.js";
import { interopCases } from "../support/fcgi-interop.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** The bin-path script: `tsgi serve` (the CLI, from the repo's sources) on the socket lighttpd hands over on fd 0. */
function launcherScript(): string {
  return `#!/bin/sh
cd ${ROOT}
exec ${process.execPath} --conditions=tsgi-source --import tsx src/cli.ts serve test/support/fcgi-interop-app.ts --server fastcgi --bind fd:0
`;
}

describe.skipIf(!haveBinaries("lighttpd"))("lighttpd → FastCGI (spawned, socket on fd 0)", () => {
  let dir: ReturnType<typeof tempDir>;
  let lighttpd: Daemon;
  let base = "";

  beforeAll(async () => {
    dir = tempDir("tsgi-lighttpd-fcgi-");
    chmodSync(dir.path, 0o755);
    const script = join(dir.path, "app.fcgi");
    writeFileSync(script, launcherScript(), { mode: 0o755 });
    const port = await freePort();
    const conf = join(dir.path, "lighttpd.conf");
    writeFileSync(conf, lighttpdConfig(dir.path, port, lighttpdFastCgiSite({ socket: join(dir.path, "app.sock"), binPath: script })));
    lighttpd = await startDaemon("lighttpd", ["-D", "-f", conf], { port });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await lighttpd?.stop();
    dir?.remove();
  });

  interopCases(() => base);
});
