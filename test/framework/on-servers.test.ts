/**
 * The same decorator-route framework app (fixtures/bookshop.ts), unchanged, on every server: HTTP,
 * FastCGI (direct and behind real nginx), SCGI, CGI as a process and under real lighttpd mod_cgi —
 * each through lint, with the same cases and real requests.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memorySink } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { serveHttp } from "tsgi/http";
import { serveScgi } from "tsgi/scgi";
import { lint } from "tsgi/lint";
import type { RunningServer } from "tsgi/server";
import { cgiParams, parseCgiResponse } from "../support/cgi-response.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { FastCgiClient, fastCgiFetch } from "../support/fastcgi-client.js";
import { nginxConfig, nginxFastCgiSite } from "../support/fcgi-hosts.js";
import { scgiFetch } from "../support/scgi-client.js";
import { bundleCgi } from "../../src/cli/bundle-command.js";
import { bookshop } from "./fixtures/bookshop.js";

interface Answer {
  status: number;
  header(name: string): string | undefined;
  text: string;
}

type Send = (method: string, path: string, init?: { body?: string; type?: string }) => Promise<Answer>;

function fromCgi(output: Buffer): Answer {
  const parsed = parseCgiResponse(output);
  return {
    status: parsed.status,
    header: (name) => parsed.headers.find(([key]) => key === name.toLowerCase())?.[1],
    text: parsed.body.toString("utf8"),
  };
}

/**
 * The cases every server must answer the same way. `prefix` is where a front server mounts the app
 * (its SCRIPT_NAME): generated URLs must carry it.
 */
function sameAnswers(name: string, sendAt: () => Send, prefix = ""): void {
  const send = (): Send => (method, path, init) => sendAt()(method, prefix + path, init);
  describe(name, () => {
    it("serves decorator routes through a mount, with validated query and reversed URLs", async () => {
      const list = await send()("GET", "/api/books?page=2");
      expect(list.status).toBe(200);
      expect(JSON.parse(list.text)).toEqual({ page: 2, titles: ["Dune", "Emma"], self: `${prefix}/api/books?page=2` });
      const book = await send()("GET", "/api/books/0");
      expect([book.status, book.header("content-type"), book.text]).toEqual([200, "text/html; charset=utf-8", "<h1>Dune</h1>"]);
    });

    it("answers invalid input with 400 problem+json naming the field", async () => {
      const bad = await send()("GET", "/api/books?page=zero");
      expect(bad.status).toBe(400);
      expect(bad.header("content-type")).toBe("application/problem+json");
      expect(JSON.parse(bad.text)["invalid-params"]).toEqual([{ in: "query", name: "page", reason: expect.any(String) }]);
    });

    it("reads a posted form and redirects to the new book's URL under the mount", async () => {
      const created = await send()("POST", "/api/books", { body: "title=Ulysses&year=1922", type: "application/x-www-form-urlencoded" });
      expect(created.status).toBe(303);
      expect(created.header("location")).toMatch(new RegExp(`^${prefix.replaceAll(".", "\\.")}/api/books/\\d+$`));
    });

    it("404s, 405s with Allow, and redirects to the canonical slash form under the prefix", async () => {
      expect((await send()("GET", "/nowhere")).status).toBe(404);
      const slash = await send()("GET", "/api/books/?page=3");
      expect(slash.status).toBe(301);
      expect(slash.header("location")).toBe(`${prefix}/api/books?page=3`);
      const wrong = await send()("DELETE", "/api/books");
      expect(wrong.status).toBe(405);
      expect(wrong.header("allow")).toBe("GET, HEAD, OPTIONS, POST");
    });
  });
}

let http: RunningServer | undefined;
let fastcgi: RunningServer | undefined;
let behindNginx: RunningServer | undefined;
let scgi: RunningServer | undefined;
let client: FastCgiClient | undefined;
let nginx: Daemon | undefined;
let nginxBase = "";
const withNginx = haveBinaries("nginx");
const withLighttpd = haveBinaries("lighttpd");
let lighttpd: Daemon | undefined;
let lighttpdBase = "";
const nginxDir = tempDir("tsgi-framework-nginx-");

beforeAll(async () => {
  http = await serveHttp(lint()(bookshop()), { bind: "127.0.0.1:0", log: memorySink() });
  fastcgi = await serveFastCgi(lint()(bookshop()), { bind: "127.0.0.1:0", log: memorySink() });
  scgi = await serveScgi(lint()(bookshop()), { bind: "127.0.0.1:0", log: memorySink() });
  if (fastcgi.port === undefined) throw new Error(`the FastCGI server did not listen on TCP: ${fastcgi.url}`);
  client = await FastCgiClient.connect(fastcgi.port);
  if (withNginx) {
    chmodSync(nginxDir.path, 0o755);
    behindNginx = await serveFastCgi(lint()(bookshop()), { bind: "127.0.0.1:0", log: memorySink() });
    const port = await freePort();
    const conf = join(nginxDir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(nginxDir.path, nginxFastCgiSite({ backend: `127.0.0.1:${behindNginx.port}`, listen: `127.0.0.1:${port}`, keepConn: true })));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", nginxDir.path], { port });
    nginxBase = `http://127.0.0.1:${port}`;
  }
  if (withLighttpd) lighttpdBase = await startLighttpd();
});

/** lighttpd with mod_cgi running the bookshop bundled by `tsgi bundle` as /cgi-bin/bookshop.cgi. */
async function startLighttpd(): Promise<string> {
  const dir = join(nginxDir.path, "lighttpd");
  const bin = join(dir, "cgi-bin");
  mkdirSync(bin, { recursive: true });
  await bundleCgi({ spec: fileURLToPath(new URL("./fixtures/bookshop.ts", import.meta.url)), out: join(bin, "bookshop.cgi"), conditions: ["tsgi-source"], cwd: process.cwd() });
  const port = await freePort();
  const conf = join(dir, "lighttpd.conf");
  writeFileSync(conf, `
server.document-root = "${dir}"
server.bind = "127.0.0.1"
server.port = ${port}
server.errorlog = "${join(dir, "error.log")}"
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
alias.url = ("/cgi-bin/" => "${bin}/")
cgi.assign = (".cgi" => "")
setenv.add-environment = ("PATH" => "${dirname(process.execPath)}:/usr/bin:/bin")
`);
  lighttpd = await startDaemon("lighttpd", ["-D", "-f", conf], { port });
  return `http://127.0.0.1:${port}`;
}

afterAll(async () => {
  await nginx?.stop();
  await lighttpd?.stop();
  nginxDir.remove();
  client?.socket.destroy();
  await http?.close({ graceMs: 100 });
  await fastcgi?.close({ graceMs: 100 });
  await behindNginx?.close({ graceMs: 100 });
  await scgi?.close({ graceMs: 100 });
});

function overHttp(base: () => string): Send {
  return async (method, path, init = {}) => {
    const response = await fetch(`${base().replace(/\/$/, "")}${path}`, {
      method, redirect: "manual",
      ...(init.body !== undefined ? { body: init.body, headers: { "content-type": init.type ?? "text/plain" } } : {}),
    });
    const text = await response.text();
    return { status: response.status, header: (name) => response.headers.get(name) ?? undefined, text };
  };
}

sameAnswers("on the HTTP server (serveHttp)", () => overHttp(() => http?.url ?? ""));

if (withLighttpd) sameAnswers("as CGI under lighttpd mod_cgi (bundled with tsgi bundle)", () => overHttp(() => lighttpdBase), "/cgi-bin/bookshop.cgi");

if (withNginx) sameAnswers("behind nginx on the FastCGI server (fastcgi_pass, kept connections)", () => overHttp(() => nginxBase));

let nextId = 1;
sameAnswers("on the FastCGI server (serveFastCgi)", () => async (method, path, init = {}) => {
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  const headers = init.type === undefined ? {} : { "content-type": init.type };
  const result = await fastCgiFetch(client as FastCgiClient, cgiParams(method, path, headers, body?.length), { id: nextId++, keepConn: true, ...(body !== undefined ? { body } : {}) });
  return fromCgi(result.stdout);
});

sameAnswers("on the SCGI server (serveScgi)", () => async (method, path, init = {}) => {
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  const headers = init.type === undefined ? {} : { "content-type": init.type };
  const parsed = await scgiFetch(scgi?.port as number, cgiParams(method, path, headers, body?.length), body);
  return {
    status: parsed.status,
    header: (name) => parsed.headers.find(([key]) => key === name.toLowerCase())?.[1],
    text: parsed.body.toString("utf8"),
  };
});

const CGI_SCRIPT = fileURLToPath(new URL("./fixtures/bookshop-cgi.ts", import.meta.url));
sameAnswers("as a CGI process (runCgi)", () => async (method, path, init = {}) => {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "" };
  for (const [key, value] of cgiParams(method, path, init.type === undefined ? {} : { "content-type": init.type }, init.body === undefined ? undefined : Buffer.byteLength(init.body))) {
    env[key] = value;
  }
  env.SERVER_NAME = "localhost";
  const child = spawn(process.execPath, ["--conditions=tsgi-source", "--import", "tsx", CGI_SCRIPT], { env, stdio: ["pipe", "pipe", "pipe"] });
  const out: Buffer[] = [];
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => { err += chunk.toString(); });
  child.stdin.end(init.body ?? "");
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  expect(code, err).toBe(0);
  return fromCgi(Buffer.concat(out));
});
