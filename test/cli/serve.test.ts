import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, haveBinaries } from "../support/daemon.js";
import { runCli, startCli } from "./run-cli.js";

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => { body += chunk; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("tsgi serve", () => {
  it("serves the sum example: 3 for a=1&b=2, a clear 400 for a=x", async () => {
    const port = await freePort();
    const cli = startCli(["serve", "examples/sum/app.ts", "--bind", `127.0.0.1:${port}`]);
    try {
      await cli.waitFor(/serving examples\/sum\/app\.ts:default over HTTP on http:\/\/127\.0\.0\.1:\d+/);
      expect(await get(port, "/sum?a=1&b=2")).toEqual({ status: 200, body: "3" });
      const bad = await get(port, "/sum?a=x&b=2");
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('a must be a number; got "x"');
    } finally {
      cli.child.kill("SIGTERM");
      expect(await cli.exited).toBe(0);
    }
  });

  it("on SIGTERM finishes the request in flight, refuses new ones, runs the shutdown hook, exits 0", async () => {
    const port = await freePort();
    const cli = startCli(["serve", "test/cli/fixtures/slow-app.ts", "--bind", `127.0.0.1:${port}`]);
    await cli.waitFor(/startup hook ran[\s\S]*serving/);
    const slow = get(port, "/slow");
    await new Promise((resolve) => setTimeout(resolve, 300));
    cli.child.kill("SIGTERM");
    await cli.waitFor(/SIGTERM: stopping/);
    await expect(get(port, "/fast")).rejects.toThrow(/ECONNREFUSED/);
    expect(await slow).toEqual({ status: 200, body: "slow done" });
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toMatch(/SIGTERM: stopping[\s\S]*shutdown hook ran/);
  });

  it("loads a named export and a factory called with ()", async () => {
    for (const spec of ["test/cli/fixtures/slow-app.ts:named", "test/cli/fixtures/slow-app.ts:createApp()"]) {
      const port = await freePort();
      const cli = startCli(["serve", spec, "--bind", `127.0.0.1:${port}`]);
      try {
        await cli.waitFor(/serving/);
        expect(await get(port, "/x")).toEqual({ status: 200, body: "ok" });
      } finally {
        cli.child.kill("SIGTERM");
        await cli.exited;
      }
    }
  });

  it("says which exports exist when the named one is missing", async () => {
    const result = await runCli(["serve", "test/cli/fixtures/slow-app.ts:nope"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('tsgi: test/cli/fixtures/slow-app.ts has no export "nope"; its exports: createApp, default, named (name one: test/cli/fixtures/slow-app.ts:NAME)');
  });

  it("says the port is busy, in one line", async () => {
    const port = await freePort();
    const first = startCli(["serve", "examples/sum/app.ts", "--bind", `127.0.0.1:${port}`]);
    try {
      await first.waitFor(/serving/);
      const second = await runCli(["serve", "examples/sum/app.ts", "--bind", `127.0.0.1:${port}`]);
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toBe(`tsgi: 127.0.0.1:${port} is already in use: stop the other server or pick another --bind`);
    } finally {
      first.child.kill("SIGTERM");
      await first.exited;
    }
  });

  it("rejects mistakes with one line and exit code 2", async () => {
    const [unknown, server, bind, workers, none, command, missing] = await Promise.all([
      runCli(["serve", "examples/sum/app.ts", "--bogus"]),
      runCli(["serve", "examples/sum/app.ts", "--server", "gopher"]),
      runCli(["serve", "examples/sum/app.ts", "--bind", "nowhere:port"]),
      runCli(["serve", "examples/sum/app.ts", "--workers", "0"]),
      runCli(["serve"]),
      runCli(["frobnicate"]),
      runCli(["serve", "nowhere/app.js"]),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^tsgi: unknown option --bogus for tsgi serve; valid options: --server, --bind, --workers, --reload/);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    expect(server.code).toBe(2);
    expect(server.stderr.trim()).toBe('tsgi: --server must be one of auto, http, cgi, fastcgi, scgi; got "gopher"');
    expect(bind.code).toBe(2);
    expect(bind.stderr).toMatch(/^tsgi: --bind: cannot parse bind "nowhere:port"/);
    expect(workers.stderr.trim()).toBe('tsgi: --workers must be a whole number >= 1; got "0"');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^tsgi: tsgi serve needs the app/);
    expect(command.code).toBe(2);
    expect(command.stderr.trim()).toBe('tsgi: unknown command "frobnicate"; commands: init, serve, bundle, status, demo, help');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tsgi: cannot load "nowhere\/app\.js": no file .*nowhere\/app\.js\n$/);
  });

  it("prints help", async () => {
    const help = await runCli(["serve", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: tsgi serve MODULE[:EXPORT] [options]");
    expect(help.stdout).toContain("--bind ADDR");
    const top = await runCli(["help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/serve\s+serve an app/);
  });
});

describe("tsgi serve under a web server's CGI (--server auto)", () => {
  it("serves the one request from the environment and exits", async () => {
    const result = await runCli(["serve", "examples/sum/app.ts"], {
      GATEWAY_INTERFACE: "CGI/1.1", REQUEST_METHOD: "GET", PATH_INFO: "/sum", QUERY_STRING: "a=2&b=40", SERVER_NAME: "x", SERVER_PORT: "80",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Status: 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 2\r\n\r\n42");
  });
});

describe.runIf(haveBinaries("cgi-fcgi"))("tsgi serve on a listening socket handed over on fd 0 (--server auto)", () => {
  it("serves FastCGI on it, as under lighttpd bin-path or spawn-fcgi", async () => {
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const port = (listener.address() as AddressInfo).port;
    const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
    const cli = startCli(["serve", "examples/sum/app.ts"], {}, undefined, fd);
    try {
      await cli.waitFor(/serving examples\/sum\/app\.ts:default over FastCGI on fd:0/);
      listener.close();
      const run = spawnSync("cgi-fcgi", ["-bind", "-connect", `127.0.0.1:${port}`], {
        env: { REQUEST_METHOD: "GET", SCRIPT_NAME: "", PATH_INFO: "/sum", QUERY_STRING: "a=20&b=22", SERVER_NAME: "x", SERVER_PORT: "80", SERVER_PROTOCOL: "HTTP/1.1", GATEWAY_INTERFACE: "CGI/1.1", REMOTE_ADDR: "127.0.0.1" },
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(run.stdout).toMatch(/^Status: 200 OK\r\n[\s\S]*\r\n\r\n42$/);
    } finally {
      cli.child.kill("SIGTERM");
      await cli.exited;
    }
  });
});
