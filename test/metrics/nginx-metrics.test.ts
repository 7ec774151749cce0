// The pool's metrics behind real nginx over FastCGI (node dist/cli.js serve --server fastcgi --workers 2
// --metrics-path /metrics), with the path restricted at nginx as docs/metrics.md shows: clients from
// 127.0.0.1 get 403, the scraper (127.0.0.2, also loopback) gets the pool-wide page.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { NGINX_FASTCGI_PARAMS, nginxConfig } from "../support/fcgi-hosts.js";
import { APP, gauge, HAVE_DIST, requests, scrapeUntil, send, sum, tsgi, type Served } from "./support.js";

const runs = HAVE_DIST && (haveBinaries("nginx") || process.env.CI !== undefined);
const SCRAPER = "127.0.0.2";

/** The site: the app at /, and /metrics only for the scraper's address. */
function site(backend: string, listen: string): string {
  return `server {
  listen ${listen};
  location = /metrics {
    allow ${SCRAPER};
    deny all;
    fastcgi_pass ${backend};
${NGINX_FASTCGI_PARAMS}
  }
  location / {
    fastcgi_pass ${backend};
${NGINX_FASTCGI_PARAMS}
  }
}
`;
}

describe.runIf(runs)("pool --server fastcgi --metrics-path behind nginx", () => {
  const dir = tempDir("tsgi-metrics-nginx-");
  let pool: Served;
  let nginx: Daemon;
  let port = 0;

  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    const backend = `127.0.0.1:${await freePort()}`;
    pool = tsgi(["serve", APP, "--server", "fastcgi", "--workers", "2", "--bind", backend, "--no-access-log", "--metrics-path", "/metrics",
      "--control-socket", join(dir.path, "control.sock")]);
    await pool.waitFor(/tsgi pool: serving/, 30_000);
    port = await freePort();
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, site(backend, `127.0.0.1:${port}`)));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
    if (pool !== undefined) expect(await pool.stop()).toBe(0);
    dir.remove();
  });

  it("counts requests through nginx on both workers and answers the scraper only", async () => {
    const pids = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const reply = await send(port, "/pid");
      expect(reply.status).toBe(200);
      pids.add(reply.body);
    }
    expect(pids.size).toBe(2);
    expect((await send(port, "/metrics")).status).toBe(403);

    const page = await scrapeUntil(port, (p) => sum(requests(p)) >= 6, SCRAPER);
    expect(requests(page)).toEqual({ "GET 2xx": 6 });
    expect(gauge(page, "tsgi_workers")).toBe(2);
  }, 30_000);
});
