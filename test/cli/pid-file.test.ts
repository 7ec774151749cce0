// `tsgi serve --pid FILE`: written once listening, refused while a live process holds it, removed on exit,
// and what `kill -HUP $(cat FILE)` reaches (the pool's master: a rolling reload).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/daemon.js";
import { startCli } from "./run-cli.js";

const dir = tempDir("tsgi-pid-");
afterAll(() => dir.remove());

describe("tsgi serve --pid FILE", () => {
  it("writes the pid after listening, refuses a second server on the same file, and removes it on exit", async () => {
    const pidFile = join(dir.path, "app.pid");
    const first = startCli(["serve", "examples/sum/app.ts", "--bind", "127.0.0.1:0", "--pid", pidFile]);
    try {
      await first.waitFor(/serving/);
      await expect.poll(() => existsSync(pidFile) ? readFileSync(pidFile, "utf8") : "", { timeout: 5000 }).toBe(`${first.child.pid}\n`);
      const second = startCli(["serve", "examples/sum/app.ts", "--bind", "127.0.0.1:0", "--pid", pidFile]);
      expect(await second.exited).toBe(1);
      expect(second.stderr()).toContain(`tsgi: --pid ${pidFile}: process ${first.child.pid} is running and holds it; stop it first (kill -TERM ${first.child.pid}) or pick another --pid file`);
      expect(second.stderr()).not.toMatch(/serving/);
      expect(readFileSync(pidFile, "utf8")).toBe(`${first.child.pid}\n`);
    } finally {
      first.child.kill("SIGTERM");
    }
    expect(await first.exited).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
  }, 40_000);

  it("takes over a stale file whose process is gone", async () => {
    const pidFile = join(dir.path, "stale.pid");
    writeFileSync(pidFile, "2147483646\n");
    const cli = startCli(["serve", "examples/sum/app.ts", "--bind", "127.0.0.1:0", "--pid", pidFile]);
    try {
      await cli.waitFor(/serving/);
      await expect.poll(() => readFileSync(pidFile, "utf8"), { timeout: 5000 }).toBe(`${cli.child.pid}\n`);
    } finally {
      cli.child.kill("SIGTERM");
    }
    expect(await cli.exited).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
  }, 40_000);

  it("names the pool's master, so kill -HUP $(cat FILE) is a rolling reload", async () => {
    const pidFile = join(dir.path, "pool.pid");
    const cli = startCli(["serve", "examples/sum/app.ts", "--workers", "2", "--bind", "127.0.0.1:0", "--pid", pidFile, "--control-socket", join(dir.path, "c.sock")]);
    try {
      await cli.waitFor(/tsgi pool: serving/, 30_000);
      await expect.poll(() => existsSync(pidFile), { timeout: 5000 }).toBe(true);
      const pid = Number(readFileSync(pidFile, "utf8"));
      expect(pid).toBe(cli.child.pid);
      process.kill(pid, "SIGHUP");
      await cli.waitFor(/SIGHUP: reloading, generation 2/, 30_000);
    } finally {
      cli.child.kill("SIGTERM");
    }
    expect(await cli.exited).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
  }, 60_000);

  it("is refused with CGI", async () => {
    const cli = startCli(["serve", "examples/sum/app.ts", "--server", "cgi", "--pid", join(dir.path, "cgi.pid")]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain("--pid does not apply to CGI");
  }, 20_000);
});
