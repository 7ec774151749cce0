// A single `tsgi serve` process and real signals: a second SIGTERM stops at once, a stop that hangs
// is given up on, SIGHUP is logged and ignored. Every wait is bounded; traffic only to 127.0.0.1.
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, tempDir } from "../support/daemon.js";
import { startCli, type CliProcess } from "./run-cli.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => { body += chunk; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** The exit code or signal, or "hung" when still running after `ms` (then it is killed). */
async function exitWithin(cli: CliProcess, ms: number): Promise<number | string> {
  const result = await Promise.race([cli.exited, sleep(ms).then(() => "hung")]);
  if (result === "hung") cli.child.kill("SIGKILL");
  return result;
}

async function serving(env: NodeJS.ProcessEnv = {}, server = "http"): Promise<{ cli: CliProcess; port: number }> {
  const port = await freePort();
  const cli = startCli(["serve", "test/cli/fixtures/stubborn-app.ts", "--server", server, "--bind", `127.0.0.1:${port}`, "--grace", "60"], env);
  await cli.waitFor(/serving/);
  return { cli, port };
}

describe("tsgi serve lifecycle (one process, real signals)", () => {
  it("a second SIGTERM stops at once: the request in flight sees its signal, the shutdown hook runs, exit 0", async () => {
    const { cli, port } = await serving();
    const forever = get(port, "/forever").then((reply) => `${reply.status} ${reply.body}`, (error: Error) => error.message);
    await sleep(300);
    const started = Date.now();
    cli.child.kill("SIGTERM");
    await cli.waitFor(/SIGTERM: stopping/);
    cli.child.kill("SIGTERM");
    expect(await exitWithin(cli, 5000), cli.stderr()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await forever).toMatch(/^503 stopped$|socket hang up|ECONNRESET/);
    expect(cli.stderr()).toMatch(/SIGTERM again: stopping now[\s\S]*shutdown hook started/);
  }, 20_000);

  it("a stop that still hangs after the second SIGTERM is given up on: exit 1 within the bound, saying why", async () => {
    const { cli, port } = await serving({ FIXTURE_HANG_SHUTDOWN: "1" });
    expect((await get(port, "/")).status).toBe(200);
    const started = Date.now();
    cli.child.kill("SIGTERM");
    await cli.waitFor(/shutdown hook started/);
    cli.child.kill("SIGTERM");
    expect(await exitWithin(cli, 10_000), cli.stderr()).toBe(1);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(4500);
    expect(took).toBeLessThan(10_000);
    expect(cli.stderr()).toMatch(/still not stopped 5000 ms after the second SIGTERM; giving up on a clean stop/);
  }, 20_000);

  it("a third SIGTERM gives up at once", async () => {
    const { cli } = await serving({ FIXTURE_HANG_SHUTDOWN: "1" });
    const started = Date.now();
    cli.child.kill("SIGTERM");
    await cli.waitFor(/shutdown hook started/);
    cli.child.kill("SIGTERM");
    await cli.waitFor(/SIGTERM again/);
    cli.child.kill("SIGTERM");
    expect(await exitWithin(cli, 4000), cli.stderr()).toBe(1);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(cli.stderr()).toMatch(/SIGTERM a third time; giving up on a clean stop/);
  }, 20_000);

  for (const server of ["http", "fastcgi"]) {
    it(`SIGHUP is logged and ignored (${server}): the server keeps serving, then SIGTERM stops it cleanly`, async () => {
      const { cli, port } = await serving({}, server);
      cli.child.kill("SIGHUP");
      await cli.waitFor(/SIGHUP ignored: a single server has no workers to reload/);
      await sleep(200);
      expect(cli.child.exitCode).toBeNull();
      expect(cli.child.signalCode).toBeNull();
      if (server === "http") expect((await get(port, "/")).body).toBe(`ok ${cli.child.pid}`);
      cli.child.kill("SIGTERM");
      expect(await exitWithin(cli, 5000), cli.stderr()).toBe(0);
      expect(cli.stderr()).toMatch(/shutdown hook started/);
    }, 20_000);
  }

  it("a pool given SIGTERM while its workers boot stops cleanly: exit 0, not a boot failure", async () => {
    const dir = tempDir("tsgi-boot-stop-");
    const hooks = join(dir.path, "hooks.log");
    try {
      const port = await freePort();
      const cli = startCli(["serve", "test/server/pool/fixtures/app.ts", "--server", "fastcgi", "--workers", "2", "--bind", `127.0.0.1:${port}`, "--control-socket", join(dir.path, "c.sock")],
        { FIXTURE_HOOK_LOG: hooks, FIXTURE_BOOT_HOLD_MS: "4000" });
      const deadline = Date.now() + 15_000;
      while (!(existsSync(hooks) && readFileSync(hooks, "utf8").includes("booting")) && cli.child.exitCode === null && Date.now() < deadline) await sleep(25);
      expect(readFileSync(hooks, "utf8"), cli.stderr()).toMatch(/^booting \d+/m);
      const started = Date.now();
      cli.child.kill("SIGTERM");
      expect(await exitWithin(cli, 8000), cli.stderr()).toBe(0);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(cli.stderr()).not.toMatch(/PoolBootError|failed to boot|code 3|SIGTERM again: stopping now/);
      expect(cli.stderr()).toMatch(/SIGTERM: stopping/);
    } finally {
      dir.remove();
    }
  }, 30_000);
});
