// SCGI server behaviour: the malformed corpus answered 400 and closed while others are served, close
// after the reply, a short body then close aborting the request, header timeout, backpressure, unix socket.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { lint } from "tsgi/lint";
import { serveScgi, type ScgiServerOptions } from "tsgi/scgi";
import { encodeScgiRequest } from "tsgi/protocol/scgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../../src/server/types.js";
import { cgiParams, parseCgiResponse } from "../../support/cgi-response.js";
import { tempDir } from "../../support/daemon.js";
import { readAll, scgiConnect, scgiExchange, scgiFetch } from "../../support/scgi-client.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/scgi");
const TEXT: [string, string] = ["content-type", "text/plain"];
const servers: RunningServer[] = [];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close({ graceMs: 50 });
});

async function start(app: App, options: ScgiServerOptions = {}, raw = false): Promise<{ port: number; server: RunningServer; log: ReturnType<typeof memorySink> }> {
  const log = memorySink();
  const server = await serveScgi(raw ? app : lint()(app), { bind: "127.0.0.1:0", log, ...options });
  servers.push(server);
  return { port: server.port as number, server, log };
}

const params = (method = "GET", path = "/"): Array<[string, string]> => cgiParams(method, path).filter(([name]) => name !== "CONTENT_LENGTH");

describe("SCGI corpus against a live server", () => {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as Array<{ file: string; description: string; expect: string; limits?: { maxHeaderBytes?: number; maxParams?: number } }>;
  for (const fixture of manifest.filter((f) => f.expect === "error")) {
    it(`${fixture.file}: answered 400 and closed, others still served`, async () => {
      const { port, server } = await start(() => ({ status: 200, headers: [TEXT], body: "fine" }), { ...fixture.limits }, true);
      const other = scgiFetch(port, [["REQUEST_METHOD", "GET"], ["PATH_INFO", "/"]]);
      const raw = await scgiExchange(port, readFileSync(join(FIXTURES, fixture.file)), 5);
      expect(parseCgiResponse(raw).status).toBe(400);
      expect((await other).body.toString()).toBe("fine");
      expect(server.inFlight).toBe(0);
    });
  }

  it("a header cut short then closed: the connection closes, nothing hangs", async () => {
    const { port } = await start(() => ({ status: 200, headers: [TEXT], body: "fine" }));
    const socket = await scgiConnect(port);
    const all = readAll(socket);
    socket.end(readFileSync(join(FIXTURES, "truncated.scgi")));
    expect((await all).length).toBe(0);
  });
});

describe("SCGI server", () => {
  it("closes the connection after the reply", async () => {
    const { port } = await start(() => ({ status: 200, headers: [TEXT], body: "one" }));
    const socket = await scgiConnect(port);
    const all = readAll(socket);
    socket.write(encodeScgiRequest(params()));
    expect(parseCgiResponse(await all).body.toString()).toBe("one");
  });

  it("a body cut short by the peer closing aborts the request: signal fired, body read fails, no hang", async () => {
    let aborted = false;
    let failure = "";
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const { port, server } = await start(async (env) => {
      env["tsgi.signal"].addEventListener("abort", () => {
        aborted = true;
      });
      try {
        for await (const chunk of env["tsgi.input"]) void chunk;
      } catch (error) {
        failure = (error as Error).message;
      }
      resolveDone();
      return { status: 200, headers: [TEXT], body: "late" };
    }, {}, true);
    const socket = await scgiConnect(port);
    socket.on("error", () => undefined);
    const full = encodeScgiRequest(params("POST"), Buffer.alloc(1000, 1));
    socket.end(full.subarray(0, full.length - 600));
    await done;
    expect(aborted).toBe(true);
    expect(failure).toContain("before the whole request body arrived");
    await sleep(50);
    expect(server.inFlight).toBe(0);
  });

  it("times out a header that never completes", async () => {
    const { port, log } = await start(() => ({ status: 200, headers: [TEXT] }), { headerTimeoutMs: 100 });
    const socket = await scgiConnect(port);
    const all = readAll(socket);
    socket.write("40:CONTENT_LENGTH\0");
    expect(parseCgiResponse(await all).status).toBe(408);
    expect(log.lines.join("\n")).toContain("did not arrive in time");
  });

  it("pauses reading the body while the app does not read it, then delivers it intact", async () => {
    let release!: () => void;
    const go = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { port } = await start(async (env) => {
      await go;
      const hash = createHash("sha256");
      for await (const chunk of env["tsgi.input"]) hash.update(chunk);
      return { status: 200, headers: [TEXT], body: hash.digest("hex") };
    });
    const body = Buffer.alloc(48 * 1024 * 1024, 3);
    const socket = await scgiConnect(port);
    const all = readAll(socket);
    socket.write(encodeScgiRequest(cgiParams("POST", "/").filter(([name]) => name !== "CONTENT_LENGTH"), body));
    await sleep(400);
    expect(socket.writableLength).toBeGreaterThan(8 * 1024 * 1024);
    release();
    expect(parseCgiResponse(await all).body.toString()).toBe(createHash("sha256").update(body).digest("hex"));
  });

  it("listens on a unix socket", async () => {
    const dir = tempDir();
    const path = join(dir.path, "scgi.sock");
    const server = await serveScgi(() => ({ status: 200, headers: [TEXT], body: "unix" }), { bind: `unix:${path}`, log: memorySink() });
    try {
      expect((await scgiFetch(path, params())).body.toString()).toBe("unix");
    } finally {
      await server.close({ graceMs: 50 });
      dir.remove();
    }
  });
});
