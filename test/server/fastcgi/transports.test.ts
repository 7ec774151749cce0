// Where the FastCGI server listens: a unix socket (stale file replaced), a listening socket on fd 0
// handed over by spawn-fcgi, and a clear message when run by hand with nothing on fd 0.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { serveFastCgi } from "tsgi/fastcgi";
import { memorySink } from "tsgi/testing";
import { cgiParams, parseCgiResponse } from "../../support/cgi-response.js";
import { findBinary, freePort, haveBinaries, tempDir, waitForPort } from "../../support/daemon.js";
import { FastCgiClient } from "../../support/fastcgi-client.js";
import { TEXT } from "./harness.js";

const ROOT = resolve(import.meta.dirname, "../../..");
/** `tsgi serve APP --server fastcgi --bind fd:0`, the CLI run from the repo's sources. */
const CLI = ["--conditions=tsgi-source", "--import", "tsx", "src/cli.ts", "serve", "examples/sum/app.ts", "--server", "fastcgi", "--bind", "fd:0"];

describe("FastCGI transports", () => {
  it("listens on a unix socket, replacing a stale socket file", async () => {
    const dir = tempDir();
    const path = join(dir.path, "app.sock");
    // A process that dies with SIGKILL while listening leaves its socket file behind.
    spawnSync(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`]);
    expect(existsSync(path)).toBe(true);
    const server = await serveFastCgi(() => ({ status: 200, headers: [TEXT], body: "via unix" }), { bind: `unix:${path}`, log: memorySink() });
    try {
      expect(server.url).toBe(`unix:${path}`);
      const c = await FastCgiClient.connect(path);
      expect(parseCgiResponse((await c.request(cgiParams("GET", "/"))).stdout).body.toString()).toBe("via unix");
      c.close();
    } finally {
      await server.close({ graceMs: 50 });
      dir.remove();
    }
  });

  it("sets the unix socket's permissions with socketMode", async () => {
    const dir = tempDir();
    const path = join(dir.path, "mode.sock");
    const server = await serveFastCgi(() => ({ status: 200, headers: [] }), { bind: `unix:${path}`, socketMode: 0o660, log: memorySink() });
    try {
      expect(statSync(path).mode & 0o777).toBe(0o660);
    } finally {
      await server.close({ graceMs: 50 });
      dir.remove();
    }
  });

  it("refuses a unix socket another server is using", async () => {
    const dir = tempDir();
    const path = join(dir.path, "busy.sock");
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(path, done));
    try {
      await expect(serveFastCgi(() => ({ status: 200, headers: [] }), { bind: `unix:${path}`, log: memorySink() })).rejects.toMatchObject({ name: "ListenError", code: "EADDRINUSE", message: expect.stringMatching(/is already in use: stop the other server or pick another --bind/) });
    } finally {
      busy.close();
      dir.remove();
    }
  });

  it.skipIf(!haveBinaries("spawn-fcgi"))("serves on a listening socket inherited on fd 0 (spawn-fcgi)", async () => {
    const port = await freePort();
    const child = spawn(findBinary("spawn-fcgi") ?? "spawn-fcgi", ["-n", "-a", "127.0.0.1", "-p", String(port), "--", process.execPath, ...CLI], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await waitForPort(port, 15_000, child);
      const c = await FastCgiClient.connect(port);
      const reply = parseCgiResponse((await c.request(cgiParams("GET", "/sum?a=1&b=2"))).stdout);
      expect(reply.body.toString(), output).toBe("3");
      c.close();
    } finally {
      child.kill("SIGTERM");
      await new Promise((done) => child.once("exit", done));
    }
  });

  it("says how to run it when started by hand with no listening socket on fd 0 (a file, or a connected socket)", () => {
    for (const stdin of ["ignore", "pipe"] as const) {
      const run = spawnSync(process.execPath, CLI, { cwd: ROOT, stdio: [stdin, "pipe", "pipe"], encoding: "utf8", timeout: 20_000 });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("fd 0 is not a listening socket");
      expect(run.stderr).toContain("--bind 127.0.0.1:9000");
    }
  });
});
