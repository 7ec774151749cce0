// Real web servers running CGI scripts for the interop tests: lighttpd (mod_cgi) and Apache httpd
// (prefork + mod_cgi, event + mod_cgid, and a shared-host style .htaccess directory). Configs are
// generated into a temp dir; everything listens on 127.0.0.1 only.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { bundleCgi } from "../../src/cli/bundle-command.js";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort, startDaemon, tempDir, type Daemon } from "./daemon.js";

const ROOT = resolve(import.meta.dirname, "../..");
/** The committed sum CGI script, served in place. */
export const SUM_CGI_DIR = join(ROOT, "examples/sum/cgi-bin");
const FIXTURES = join(ROOT, "test/server/cgi/fixtures");

/** A web server running CGI scripts: `/cgi-bin/sum.cgi` (the example), `/fixtures/NAME.cgi`, `/htaccess/sum.cgi` (Apache). */
export interface CgiHost {
  readonly port: number;
  readonly dir: string;
  readonly daemon: Daemon;
  /** The server's error log so far. */
  errorLog(): string;
  stop(): Promise<void>;
}

/** PATH for CGI scripts: where this node lives, then the usual places (`#!/usr/bin/env node` needs it). */
function cgiPath(): string {
  return `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
}

/** Extra app modules to bundle beside the fixtures: script name (served as `/fixtures/NAME.cgi`) → module path. */
export type ExtraScripts = Record<string, string>;

/** Bundles the CGI fixtures (throws, slow) and `extra` into `dir` with `tsgi bundle`, readable by an unprivileged server user. */
async function prepareFixtures(dir: string, extra: ExtraScripts = {}): Promise<string> {
  const out = join(dir, "fixtures");
  mkdirSync(out, { recursive: true });
  const scripts: ExtraScripts = { throws: join(FIXTURES, "throws.ts"), slow: join(FIXTURES, "slow.ts"), ...extra };
  for (const [name, spec] of Object.entries(scripts)) {
    await bundleCgi({ spec, out: join(out, `${name}.cgi`), conditions: ["tsgi-source"], cwd: ROOT });
  }
  return out;
}

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Makes the temp dir traversable by the server's user (mkdtemp creates it 0700). */
function openUp(dir: string): void {
  chmodSync(dir, 0o755);
}

/**
 * lighttpd with mod_cgi, in the foreground (-D); `extra` scripts are served under `/fixtures/`.
 * Request bodies stream to the script unless `bufferRequests` (lighttpd's default), which a chunked
 * request body needs: streamed, lighttpd answers it 411 since a CGI needs CONTENT_LENGTH.
 */
export async function startLighttpd(extra: ExtraScripts = {}, options: { bufferRequests?: boolean } = {}): Promise<CgiHost> {
  const temp = tempDir("tsgi-lighttpd-");
  openUp(temp.path);
  const port = await freePort();
  const fixtures = await prepareFixtures(temp.path, extra);
  const docroot = join(temp.path, "htdocs");
  mkdirSync(docroot);
  const errorLog = join(temp.path, "error.log");
  const config = join(temp.path, "lighttpd.conf");
  writeFileSync(config, `
server.document-root = "${docroot}"
server.bind = "127.0.0.1"
server.port = ${port}
server.errorlog = "${errorLog}"
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.stream-response-body = 1
server.stream-request-body = ${options.bufferRequests === true ? 0 : 1}
alias.url = ("/cgi-bin/" => "${SUM_CGI_DIR}/", "/fixtures/" => "${fixtures}/")
cgi.assign = (".cgi" => "")
setenv.add-environment = ("PATH" => "${cgiPath()}")
`);
  const daemon = await startDaemon("lighttpd", ["-D", "-f", config], { port });
  return {
    port,
    dir: temp.path,
    daemon,
    errorLog: () => readLog(errorLog),
    stop: async () => {
      await daemon.stop();
      temp.remove();
    },
  };
}

/** Which Apache flavour: prefork + mod_cgi (forks the script from the worker) or event + mod_cgid (a CGI daemon forks it). */
export type ApacheMpm = "prefork" | "event";

/**
 * Apache httpd in the foreground (-DFOREGROUND). As root it must drop to an unprivileged user
 * (User/Group www-data), so every path it serves is made readable by that user.
 */
export async function startApache(mpm: ApacheMpm, extra: ExtraScripts = {}): Promise<CgiHost> {
  const temp = tempDir(`tsgi-apache-${mpm}-`);
  openUp(temp.path);
  const port = await freePort();
  const fixtures = await prepareFixtures(temp.path, extra);
  const modules = "/usr/lib/apache2/modules";
  const cgiModule = mpm === "prefork" ? `LoadModule cgi_module ${modules}/mod_cgi.so` : `LoadModule cgid_module ${modules}/mod_cgid.so\nScriptSock ${join(temp.path, "cgid.sock")}`;
  // A shared-host style directory: the script next to an .htaccess that turns CGI on (docs/servers/cgi.md).
  const htaccessDir = join(temp.path, "htdocs", "htaccess");
  mkdirSync(htaccessDir, { recursive: true });
  copyFileSync(join(SUM_CGI_DIR, "sum.cgi"), join(htaccessDir, "sum.cgi"));
  chmodSync(join(htaccessDir, "sum.cgi"), 0o755);
  writeFileSync(join(htaccessDir, ".htaccess"), "Options +ExecCGI\nAddHandler cgi-script .cgi\n");
  const errorLog = join(temp.path, "error.log");
  writeFileSync(join(temp.path, "mime.types"), "text/plain txt\n");
  const config = join(temp.path, "httpd.conf");
  writeFileSync(config, `
ServerRoot "${temp.path}"
ServerName 127.0.0.1:${port}
Listen 127.0.0.1:${port}
PidFile "${join(temp.path, "httpd.pid")}"
DefaultRuntimeDir "${temp.path}"
Mutex file:${temp.path} default
ErrorLog "${errorLog}"
LogLevel warn
LoadModule mpm_${mpm}_module ${modules}/mod_mpm_${mpm}.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
LoadModule alias_module ${modules}/mod_alias.so
LoadModule mime_module ${modules}/mod_mime.so
TypesConfig "${join(temp.path, "mime.types")}"
LoadModule env_module ${modules}/mod_env.so
${cgiModule}
User www-data
Group www-data
StartServers 1
${mpm === "prefork" ? "MinSpareServers 1\nMaxSpareServers 2" : "ServerLimit 1\nThreadsPerChild 8\nMinSpareThreads 1\nMaxSpareThreads 8"}
MaxRequestWorkers 8
Timeout 10
SetEnv PATH "${cgiPath()}"
DocumentRoot "${join(temp.path, "htdocs")}"
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory "${join(temp.path, "htdocs")}">
  AllowOverride All
  Require all granted
</Directory>
ScriptAlias /cgi-bin/ "${SUM_CGI_DIR}/"
ScriptAlias /fixtures/ "${fixtures}/"
<Directory "${SUM_CGI_DIR}">
  Require all granted
</Directory>
<Directory "${fixtures}">
  Require all granted
</Directory>
`);
  // startDaemon gives Apache its own process group: its prefork parent signals the whole group on shutdown.
  const daemon = await startDaemon("apache2", ["-DFOREGROUND", "-f", config], { port, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C" } });
  return {
    port,
    dir: temp.path,
    daemon,
    errorLog: () => readLog(errorLog),
    stop: async () => {
      await daemon.stop();
      temp.remove();
    },
  };
}

/** One raw HTTP/1.0-style exchange: the whole reply text once the server closes. */
export function rawExchange(port: number, request: string, timeoutMs = 10_000): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete reply within ${timeoutMs} ms; got ${JSON.stringify(data.slice(0, 300))}`));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => { data += chunk; });
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      const end = data.indexOf("\r\n\r\n");
      const head = end === -1 ? data : data.slice(0, end);
      resolvePromise({ status: Number(/^HTTP\/1\.\d (\d{3})/.exec(head)?.[1] ?? 0), head, body: end === -1 ? "" : data.slice(end + 4) });
    });
    socket.write(request);
  });
}

/** PIDs of processes whose command line contains `needle`. */
export function processesMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSafe("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(needle) && Number(entry) !== process.pid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/**
 * The interop cases every CGI host must pass with the sum example and the fixtures. Call inside a
 * describe(); `start` brings the host up once for the suite.
 */
export function cgiHostCases(start: () => Promise<CgiHost>, options: { htaccess?: boolean } = {}): void {
  let host: CgiHost;
  beforeAll(async () => { host = await start(); });
  afterAll(async () => { await host?.stop(); });
  const get = (path: string, extra = ""): string => `GET ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`;

  it("answers /sum?a=1&b=2 with 3 as text/plain", async () => {
    const reply = await rawExchange(host.port, get("/cgi-bin/sum.cgi/sum?a=1&b=2"));
    expect(reply.status, host.errorLog()).toBe(200);
    expect(reply.head).toMatch(/\r\ncontent-type: text\/plain; charset=utf-8/i);
    expect(reply.body).toBe("3");
  });

  it("answers a bad operand with a 400 that says which and why", async () => {
    const reply = await rawExchange(host.port, get("/cgi-bin/sum.cgi/sum?a=x&b=2"));
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('a must be a number; got "x"');
    const missing = await rawExchange(host.port, get("/cgi-bin/sum.cgi/sum?a=1"));
    expect(missing.status).toBe(400);
    expect(missing.body).toContain("b is missing");
  });

  it("passes a POST body through", async () => {
    const body = "a=1.5&b=40";
    const reply = await rawExchange(host.port, `POST /cgi-bin/sum.cgi/sum HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe("41.5");
  });

  it("answers HEAD without a body", async () => {
    const reply = await rawExchange(host.port, `HEAD /cgi-bin/sum.cgi/sum?a=1&b=2 HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe("");
  });

  it("answers an app that throws with a 500 and no stack, not a hang", async () => {
    const started = Date.now();
    const reply = await rawExchange(host.port, get("/fixtures/throws.cgi/x"), 8000);
    expect(reply.status).toBe(500);
    expect(reply.body).not.toContain("fixture failure");
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("leaves no process behind when the client disconnects mid-reply", async () => {
    const script = join(host.dir, "fixtures", "slow.cgi");
    const socket = connect(host.port, "127.0.0.1");
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => { data += chunk; });
    socket.on("error", () => undefined);
    socket.write(get("/fixtures/slow.cgi/x"));
    const deadline = Date.now() + 8000;
    while (!data.includes("started") && Date.now() < deadline) await sleep(20);
    expect(data, host.errorLog()).toContain("started");
    expect(processesMatching(script).length).toBeGreaterThan(0);
    socket.destroy();
    const gone = Date.now() + 10_000;
    while (processesMatching(script).length > 0 && Date.now() < gone) await sleep(100);
    expect(processesMatching(script)).toEqual([]);
  });

  if (options.htaccess === true) {
    it("runs the script from a shared-host directory turned on by .htaccess", async () => {
      const reply = await rawExchange(host.port, get("/htaccess/sum.cgi/sum?a=20&b=22"));
      expect(reply.status, host.errorLog()).toBe(200);
      expect(reply.body).toBe("42");
    });
  }
}
