// nginx fastcgi_pass → tsgi FastCGI, with and without kept connections (fastcgi_keep_conn + upstream keepalive).
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFastCgi } from "tsgi/fastcgi";
import { lint } from "tsgi/lint";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../src/server/types.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { nginxConfig, nginxFastCgiSite } from "../support/fcgi-hosts.js";
import app from "../support/fcgi-interop-app.js";
import { interopCases } from "../support/fcgi-interop.js";

const run = haveBinaries("nginx");

/** Established TCP connections to a local port (from ss), or undefined where ss is missing. */
function establishedTo(port: number): number | undefined {
  try {
    const out = execFileSync("ss", ["-Htn", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
    return out.split("\n").filter((line) => line.trim() !== "").length;
  } catch {
    return undefined;
  }
}

const MODES = [
  { keepConn: true, requestBuffering: true, title: "fastcgi_keep_conn on" },
  { keepConn: false, requestBuffering: true, title: "fastcgi_keep_conn off" },
  { keepConn: true, requestBuffering: false, title: "fastcgi_keep_conn on, fastcgi_request_buffering off: bodies streamed through" },
];

for (const { keepConn, requestBuffering, title } of MODES) {
  describe.skipIf(!run)(`nginx → FastCGI (${title})`, () => {
    let dir: ReturnType<typeof tempDir>;
    let server: RunningServer;
    let nginx: Daemon;
    let base = "";

    beforeAll(async () => {
      dir = tempDir("tsgi-nginx-fcgi-");
      chmodSync(dir.path, 0o755);
      server = await serveFastCgi(lint()(app), { bind: "127.0.0.1:0", log: memorySink() });
      const port = await freePort();
      const conf = join(dir.path, "nginx.conf");
      writeFileSync(conf, nginxConfig(dir.path, nginxFastCgiSite({ backend: `127.0.0.1:${server.port}`, listen: `127.0.0.1:${port}`, keepConn, requestBuffering })));
      nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
      base = `http://127.0.0.1:${port}`;
    });

    afterAll(async () => {
      await nginx?.stop();
      if (process.env.TSGI_DEBUG) console.log(readFileSync(join(dir.path, "nginx-error.log"), "utf8"));
      await server?.close({ graceMs: 500 });
      dir?.remove();
    });

    interopCases(() => base);

    it(keepConn ? "reuses kept connections" : "closes each connection after END_REQUEST", async () => {
      const before = server.served;
      for (let i = 0; i < 20; i++) expect(await (await fetch(`${base}/sum?a=${i}&b=0`)).text()).toBe(String(i));
      expect(server.served - before).toBe(20);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const open = establishedTo(server.port as number);
      if (open !== undefined) {
        if (keepConn) expect(open).toBeGreaterThanOrEqual(1);
        else expect(open).toBe(0);
      }
    });
  });
}
