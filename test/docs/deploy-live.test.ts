// The deployment snippets that no config generator produces, run as they are printed in the docs
// against real nginx, Apache and lighttpd on 127.0.0.1: the doc's example addresses and paths are
// replaced by the test's, nothing else. Needs dist/ (npm run build): the CGI cases bundle the sum
// example with `tsgi bundle`, as the docs tell users to.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveHttp } from "tsgi/http";
import { lint } from "tsgi/lint";
import { memorySink } from "tsgi/testing";
import sum from "../../examples/sum/app.js";
import type { RunningServer } from "../../src/server/types.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { apacheConfig, lighttpdConfig, nginxConfig } from "../support/fcgi-hosts.js";
import { liveSnippet } from "./snippets.js";

const CLI = resolve("dist/cli.js");

/** Replaces a doc placeholder, failing loudly if the doc no longer contains it. */
function swap(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the snippet no longer contains ${JSON.stringify(from)}; update deploy-live.test.ts with the doc`);
  return text.split(from).join(to);
}

/** Bundles the sum example into an executable CGI file, as the docs show. */
function bundleSum(out: string): void {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run npm run build before these tests");
  execFileSync(process.execPath, [CLI, "bundle", "examples/sum/app.ts", "-o", out], { stdio: "pipe" });
  chmodSync(out, 0o755);
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

describe.skipIf(!haveBinaries("nginx"))("docs/deploy/nginx.md: proxy_pass to tsgi HTTP (live nginx-proxy)", () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let nginx: Daemon;
  let base = "";
  const upstreamPorts: Array<string | undefined> = [];

  beforeAll(async () => {
    dir = tempDir("tsgi-docs-nginx-");
    chmodSync(dir.path, 0o755);
    // Records the port each request came from: nginx's end of the upstream connection.
    server = await serveHttp(lint()((env) => { upstreamPorts.push(env.REMOTE_PORT); return sum(env); }), { bind: "127.0.0.1:0", log: memorySink() });
    const port = await freePort();
    let site = liveSnippet("nginx-proxy").text;
    site = swap(site, "server 127.0.0.1:8000;", `server 127.0.0.1:${server.port};`);
    site = swap(site, "listen 80;", `listen 127.0.0.1:${port};`);
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, site));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await nginx?.stop();
    await server?.close({ graceMs: 500 });
    dir?.remove();
  });

  it("answers the sum through nginx, and the 400 naming the bad operand", async () => {
    expect(await get(`${base}/sum?a=1&b=2`)).toEqual({ status: 200, text: "3" });
    const bad = await get(`${base}/sum?a=x&b=2`);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/a must be a number/);
  });

  it("reuses upstream connections (keepalive): 20 requests in a row come over one connection", async () => {
    upstreamPorts.length = 0;
    for (let i = 0; i < 20; i++) expect((await get(`${base}/sum?a=${i}&b=1`)).text).toBe(String(i + 1));
    expect(upstreamPorts).toHaveLength(20);
    expect(new Set(upstreamPorts).size).toBe(1);
  });
});

describe.skipIf(!haveBinaries("apache2"))("docs/deploy/apache.md: mod_proxy_http to tsgi HTTP (live apache-proxy-http)", () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let apache: Daemon;
  let base = "";
  const forwardedFor: Array<string | undefined> = [];

  beforeAll(async () => {
    dir = tempDir("tsgi-docs-apache-proxy-");
    chmodSync(dir.path, 0o755);
    server = await serveHttp(lint()((env) => { forwardedFor.push(env.HTTP_X_FORWARDED_FOR); return sum(env); }), { bind: "127.0.0.1:0", log: memorySink() });
    const port = await freePort();
    const site = swap(liveSnippet("apache-proxy-http").text, "http://127.0.0.1:8000/", `http://127.0.0.1:${server.port}/`);
    const conf = join(dir.path, "apache.conf");
    writeFileSync(conf, apacheConfig(dir.path, port, site));
    apache = await startDaemon("apache2", ["-DFOREGROUND", "-f", conf], { port });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await apache?.stop();
    await server?.close({ graceMs: 500 });
    dir?.remove();
  });

  it("answers the sum through Apache, with the client's address forwarded", async () => {
    expect(await get(`${base}/sum?a=1&b=2`)).toEqual({ status: 200, text: "3" });
    expect(forwardedFor.at(-1)).toBe("127.0.0.1");
    const bad = await get(`${base}/sum?a=1`);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/b is missing/);
  });
});

describe.skipIf(!haveBinaries("apache2"))("docs/deploy/apache.md: shared hosting with .htaccess and a bundled CGI (live apache-htaccess-cgi)", () => {
  let dir: ReturnType<typeof tempDir>;
  let apache: Daemon;
  let base = "";

  beforeAll(async () => {
    dir = tempDir("tsgi-docs-apache-");
    chmodSync(dir.path, 0o755);
    const www = join(dir.path, "www");
    mkdirSync(www, { mode: 0o755 });
    bundleSum(join(www, "app.cgi"));
    writeFileSync(join(www, ".htaccess"), liveSnippet("apache-htaccess-cgi").text, { mode: 0o644 });
    writeFileSync(join(www, "style.css"), "body { color: black }\n", { mode: 0o644 });
    // What a shared host's main config already has: CGI, rewrite, overrides allowed in the user's directory.
    const site = `LoadModule cgid_module modules/mod_cgid.so
LoadModule mime_module modules/mod_mime.so
LoadModule dir_module modules/mod_dir.so
LoadModule rewrite_module modules/mod_rewrite.so
TypesConfig /dev/null
ScriptSock "${join(dir.path, "cgid.sock")}"
DocumentRoot "${www}"
<Directory "${www}">
  AllowOverride All
  Require all granted
</Directory>
`;
    const port = await freePort();
    const conf = join(dir.path, "apache.conf");
    writeFileSync(conf, apacheConfig(dir.path, port, site));
    apache = await startDaemon("apache2", ["-DFOREGROUND", "-f", conf], { port });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await apache?.stop();
    dir?.remove();
  });

  it("routes a pretty URL to app.cgi with PATH_INFO and the query", async () => {
    expect(await get(`${base}/sum?a=1&b=2`)).toEqual({ status: 200, text: "3" });
  });

  it("passes bad input through to the app's 400", async () => {
    const bad = await get(`${base}/sum?a=1&b=two`);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/b must be a number/);
  });

  it("still serves real files directly", async () => {
    expect(await get(`${base}/style.css`)).toEqual({ status: 200, text: "body { color: black }\n" });
  });
});

describe.skipIf(!haveBinaries("lighttpd"))("docs/deploy/lighttpd.md: mod_cgi (live lighttpd-cgi)", () => {
  let dir: ReturnType<typeof tempDir>;
  let lighttpd: Daemon;
  let base = "";

  beforeAll(async () => {
    dir = tempDir("tsgi-docs-lighttpd-");
    chmodSync(dir.path, 0o755);
    const cgiBin = join(dir.path, "cgi-bin");
    mkdirSync(cgiBin, { mode: 0o755 });
    bundleSum(join(cgiBin, "app.cgi"));
    const site = swap(liveSnippet("lighttpd-cgi").text, "/srv/app/cgi-bin/", `${cgiBin}/`);
    const port = await freePort();
    const conf = join(dir.path, "lighttpd.conf");
    writeFileSync(conf, lighttpdConfig(dir.path, port, site));
    lighttpd = await startDaemon("lighttpd", ["-D", "-f", conf], { port });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await lighttpd?.stop();
    dir?.remove();
  });

  it("runs the bundled CGI per request", async () => {
    expect(await get(`${base}/cgi-bin/app.cgi/sum?a=2&b=3`)).toEqual({ status: 200, text: "5" });
    const missing = await get(`${base}/cgi-bin/app.cgi/sum?b=3`);
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/a is missing/);
  });
});
