// The bookshop API unchanged on the HTTP server, on FastCGI behind nginx, as CGI under lighttpd
// (mounted at /bookshop) and on the pre-fork pool. Each request of CGI and each pool worker has its
// own in-memory store, so the cases check each reply by itself rather than a write then a read.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFastCgi } from "tsgi/fastcgi";
import { serveHttp } from "tsgi/http";
import { lint } from "tsgi/lint";
import { memorySink } from "tsgi/testing";
import { createBookshop } from "../../examples/bookshop-api/app.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { lighttpdConfig, nginxConfig, nginxFastCgiSite } from "../support/fcgi-hosts.js";
import { startPool, type PoolProcess } from "../server/pool/support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN = "server-token";
type Running = { close(options?: { graceMs?: number }): Promise<void>; port: number | undefined };

function bookshopCases(base: () => string, prefix = ""): void {
  const url = (path: string): string => `${base()}${prefix}${path}`;

  it("lists and shows books", async () => {
    const list = await fetch(url("/v1/books?q=dune"));
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ total: 1, items: [{ isbn: "9780441013593", title: "Dune" }] });
    const one = await fetch(url("/v1/books/9780547928227"));
    expect(await one.json()).toMatchObject({ title: "The Hobbit" });
  });

  it("answers misses and bad input with problem+json", async () => {
    const missing = await fetch(url("/v1/books/9780000000000"), { headers: { accept: "*/*" } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    const bad = await fetch(url("/v1/books?per_page=1000"));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ "invalid-params": [{ in: "query", name: "per_page" }] });
  });

  it("refuses writes without the token and takes them with it, with a Location under the mount", async () => {
    const body = JSON.stringify({ isbn: "9780261103573", title: "The Fellowship of the Ring", author: "J. R. R. Tolkien" });
    const anonymous = await fetch(url("/v1/books"), { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="bookshop"');
    const created = await fetch(url("/v1/books"), { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` } });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`${prefix}/v1/books/9780261103573`);
  });

  it("serves an OpenAPI document that validates", async () => {
    const document = (await (await fetch(url("/openapi.json"))).json()) as Record<string, unknown>;
    expect((await new Validator().validate(document)).valid).toBe(true);
  });
}

describe("the bookshop on the HTTP server", () => {
  let server: Running;
  beforeAll(async () => {
    server = await serveHttp(lint()(createBookshop({ tokens: { [TOKEN]: { id: "editor" } } })), { bind: "127.0.0.1:0", log: memorySink() });
  });
  afterAll(async () => {
    await server?.close({ graceMs: 500 });
  });
  bookshopCases(() => `http://127.0.0.1:${server.port}`);
});

describe.runIf(haveBinaries("nginx"))("the bookshop on FastCGI behind nginx", () => {
  const dir = tempDir("tsgi-bookshop-fcgi-");
  let server: Running;
  let nginx: Daemon;
  let base = "";
  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    server = await serveFastCgi(lint()(createBookshop({ tokens: { [TOKEN]: { id: "editor" } } })), { bind: "127.0.0.1:0", log: memorySink() });
    const port = await freePort();
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, nginxFastCgiSite({ backend: `127.0.0.1:${server.port}`, listen: `127.0.0.1:${port}`, keepConn: true })));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await nginx?.stop();
    await server?.close({ graceMs: 500 });
    dir.remove();
  });
  bookshopCases(() => base);
});

describe.runIf(haveBinaries("lighttpd"))("the bookshop as CGI under lighttpd, mounted at /bookshop", () => {
  const dir = tempDir("tsgi-bookshop-cgi-");
  const bundleDir = join(ROOT, ".tsgi-tmp", `bookshop-cgi-${process.pid}`);
  let lighttpd: Daemon;
  let base = "";
  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    mkdirSync(bundleDir, { recursive: true });
    const bundle = join(bundleDir, "cgi.mjs");
    await build({
      entryPoints: [join(ROOT, "examples/bookshop-api/cgi.ts")], outfile: bundle, bundle: true, platform: "node", format: "esm", target: "node20",
      conditions: ["tsgi-source"], logLevel: "silent",
    });
    const script = join(dir.path, "bookshop.cgi");
    writeFileSync(script, `#!/bin/sh
export BOOKSHOP_TOKENS='${TOKEN}'
exec '${process.execPath}' '${bundle}'
`);
    chmodSync(script, 0o755);
    const port = await freePort();
    const conf = join(dir.path, "lighttpd.conf");
    writeFileSync(conf, lighttpdConfig(dir.path, port, `server.modules += ( "mod_alias", "mod_cgi" )
alias.url = ( "/bookshop" => "${script}" )
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
  bookshopCases(() => base, "/bookshop");
});

describe("the bookshop on the pool", () => {
  let pool: PoolProcess;
  beforeAll(async () => {
    pool = await startPool({ spec: join(ROOT, "examples/bookshop-api/app.ts"), workers: 2 }, { env: { BOOKSHOP_TOKENS: TOKEN } });
  });
  afterAll(async () => {
    await pool?.stop();
  });
  bookshopCases(() => `http://127.0.0.1:${pool.port}`);
});
