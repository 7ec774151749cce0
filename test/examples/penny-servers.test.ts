// Penny unchanged on every server: the HTTP server, CGI under lighttpd, FastCGI and SCGI behind nginx, and the
// pre-fork pool (two workers sharing sessions through the SQLite file). Same scenario on each.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe } from "vitest";
import type { Service } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { serveHttp } from "tsgi/http";
import { serveScgi } from "tsgi/scgi";
import { lint } from "tsgi/lint";
import { memorySink } from "tsgi/testing";
import { createPenny } from "../../examples/penny/app.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { lighttpdConfig, nginxConfig, nginxFastCgiSite, nginxScgiSite } from "../support/fcgi-hosts.js";
import { startPool, type PoolProcess } from "../server/pool/support.js";
import { fetchTransport, pennyCases } from "./penny-cases.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PASSWORD = "server-password";
const CHEAP = { logN: 10, r: 8, p: 1 };
type Running = { close(options?: { graceMs?: number }): Promise<void>; port: number | undefined };

describe("Penny on the HTTP server", () => {
  const dir = tempDir("tsgi-penny-http-");
  let service: Service;
  let server: Running;
  beforeAll(async () => {
    service = await createPenny({ dataDir: dir.path, password: PASSWORD, scryptCost: CHEAP, accessLog: false });
    server = await serveHttp(lint()(service.app), { bind: "127.0.0.1:0", log: memorySink() });
  });
  afterAll(async () => {
    await server?.close({ graceMs: 500 });
    await service?.shutdown?.();
    dir.remove();
  });
  pennyCases(() => fetchTransport(() => `http://127.0.0.1:${server.port}`), PASSWORD);
});

describe.runIf(haveBinaries("nginx"))("Penny on FastCGI behind nginx", () => {
  const dir = tempDir("tsgi-penny-fcgi-");
  let service: Service;
  let server: Running;
  let nginx: Daemon;
  let base = "";
  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    service = await createPenny({ dataDir: join(dir.path, "data"), password: PASSWORD, scryptCost: CHEAP, accessLog: false });
    server = await serveFastCgi(lint()(service.app), { bind: "127.0.0.1:0", log: memorySink() });
    const port = await freePort();
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, nginxFastCgiSite({ backend: `127.0.0.1:${server.port}`, listen: `127.0.0.1:${port}`, keepConn: true })));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await nginx?.stop();
    await server?.close({ graceMs: 500 });
    await service?.shutdown?.();
    dir.remove();
  });
  pennyCases(() => fetchTransport(() => base), PASSWORD);
});

describe.runIf(haveBinaries("nginx"))("Penny on SCGI behind nginx", () => {
  const dir = tempDir("tsgi-penny-scgi-");
  let service: Service;
  let server: Running;
  let nginx: Daemon;
  let base = "";
  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    service = await createPenny({ dataDir: join(dir.path, "data"), password: PASSWORD, scryptCost: CHEAP, accessLog: false });
    server = await serveScgi(lint()(service.app), { bind: "127.0.0.1:0", log: memorySink() });
    const port = await freePort();
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, nginxScgiSite({ backend: `127.0.0.1:${server.port}`, listen: `127.0.0.1:${port}` })));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await nginx?.stop();
    await server?.close({ graceMs: 500 });
    await service?.shutdown?.();
    dir.remove();
  });
  pennyCases(() => fetchTransport(() => base), PASSWORD);
});

describe.runIf(haveBinaries("lighttpd"))("Penny as CGI under lighttpd, mounted at /penny", () => {
  const dir = tempDir("tsgi-penny-cgi-");
  // CGI starts a process per request, so it runs compiled JavaScript: one esbuild bundle of cgi.ts,
  // placed inside the checkout (.tsgi-tmp/, git-ignored) so the native better-sqlite3 resolves.
  const bundleDir = join(ROOT, ".tsgi-tmp", `penny-cgi-${process.pid}`);
  let lighttpd: Daemon;
  let base = "";
  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    mkdirSync(bundleDir, { recursive: true });
    const bundle = join(bundleDir, "cgi.mjs");
    await build({
      entryPoints: [join(ROOT, "examples/penny/cgi.ts")], outfile: bundle, bundle: true, platform: "node", format: "esm", target: "node20",
      conditions: ["tsgi-source"], external: ["better-sqlite3", "ioredis"], logLevel: "silent",
      banner: { js: 'import { createRequire as __tsgiRequire } from "node:module"; const require = __tsgiRequire(import.meta.url);' },
    });
    const script = join(dir.path, "penny.cgi");
    // What a deployment's wrapper does: set the app's variables, exec node on the compiled script.
    writeFileSync(script, `#!/bin/sh
export PENNY_DATA_DIR='${join(dir.path, "data")}' PENNY_PASSWORD='${PASSWORD}' PENNY_SCRYPT_LOGN=10 PENNY_ACCESS_LOG=0 PENNY_PUBLIC_DIR='${join(ROOT, "examples/penny/public")}'
exec '${process.execPath}' '${bundle}'
`);
    chmodSync(script, 0o755);
    const port = await freePort();
    const conf = join(dir.path, "lighttpd.conf");
    writeFileSync(conf, lighttpdConfig(dir.path, port, `server.modules += ( "mod_alias", "mod_cgi" )
alias.url = ( "/penny" => "${script}" )
cgi.assign = ( ".cgi" => "" )
`));
    lighttpd = await startDaemon("lighttpd", ["-D", "-f", conf], { port });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await lighttpd?.stop();
    dir.remove();
    rmSync(bundleDir, { recursive: true, force: true });
  });
  pennyCases(() => fetchTransport(() => base), PASSWORD, "/penny");
});

describe("Penny on the pool: two workers share sessions through SQLite", () => {
  let pool: PoolProcess;
  const dir = tempDir("tsgi-penny-pool-");
  beforeAll(async () => {
    pool = await startPool({ spec: join(ROOT, "examples/penny/app.ts"), workers: 2 }, {
      env: { PENNY_DATA_DIR: dir.path, PENNY_PASSWORD: PASSWORD, PENNY_SCRYPT_LOGN: "10", PENNY_ACCESS_LOG: "0" },
    });
  });
  afterAll(async () => {
    await pool?.stop();
    dir.remove();
  });
  pennyCases(() => fetchTransport(() => `http://127.0.0.1:${pool.port}`), PASSWORD);
});
