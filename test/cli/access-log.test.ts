// Where `tsgi serve` logs: the access log on stdout by default (or a file, reopened on SIGUSR1 as logrotate
// expects), everything else on stderr; one process and the pool.
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, tempDir } from "../support/daemon.js";
import { startCli, type CliProcess } from "./run-cli.js";

const dir = tempDir("tsgi-access-");
afterAll(() => dir.remove());

const urlOf = (cli: CliProcess): string => /on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stderr())?.[1] as string;
const lines = (path: string): string[] => (existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((l) => l !== "") : []);

async function stop(cli: CliProcess): Promise<void> {
  cli.child.kill("SIGTERM");
  expect(await cli.exited).toBe(0);
}

describe("tsgi serve's access log", () => {
  it("goes to stdout in Combined Log Format by default, and nothing else does; errors stay on stderr", async () => {
    const cli = startCli(["serve", "examples/sum/app.ts", "--bind", "127.0.0.1:0"]);
    try {
      await cli.waitFor(/serving/);
      expect(await (await fetch(`${urlOf(cli)}/sum?a=1&b=2`, { headers: { "user-agent": "probe\"1" } })).text()).toBe("3");
      await expect.poll(() => cli.stdout(), { timeout: 5000 }).toMatch(
        /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/sum\?a=1&b=2 HTTP\/1\.1" 200 1 "-" "probe\\"1" \d+\.\d{3}ms\n$/);
      expect(cli.stderr()).not.toContain("GET /sum");
    } finally {
      await stop(cli);
    }
  }, 30_000);

  it("--no-access-log writes none; --log-format must be a known one", async () => {
    const cli = startCli(["serve", "examples/sum/app.ts", "--bind", "127.0.0.1:0", "--no-access-log"]);
    try {
      await cli.waitFor(/serving/);
      await (await fetch(`${urlOf(cli)}/sum?a=1&b=2`)).text();
      await new Promise((r) => setTimeout(r, 200));
      expect(cli.stdout()).toBe("");
    } finally {
      await stop(cli);
    }
    const bad = startCli(["serve", "examples/sum/app.ts", "--log-format", "apache"]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain('tsgi: --log-format must be one of combined, common, json; got "apache"');
  }, 30_000);

  for (const workers of [1, 2]) {
    it(`--access-log FILE --log-format json${workers > 1 ? " on the pool" : ""}: after a rename and SIGUSR1, new lines land in a new file`, async () => {
      const log = join(dir.path, `access-${workers}.log`);
      const pidFile = join(dir.path, `access-${workers}.pid`);
      const pool = workers > 1 ? ["--workers", "2", "--control-socket", join(dir.path, "a.sock")] : [];
      const bind = `127.0.0.1:${workers > 1 ? await freePort() : 0}`; // the pool names its --bind as given
      const cli = startCli(["serve", "examples/sum/app.ts", "--bind", bind, "--access-log", log, "--log-format", "json", "--pid", pidFile, ...pool]);
      try {
        await cli.waitFor(/serving/, 30_000);
        for (let i = 0; i < 4; i++) await (await fetch(`${urlOf(cli)}/sum?a=${i}&b=1`)).text();
        await expect.poll(() => lines(log).length, { timeout: 5000 }).toBe(4);
        expect(JSON.parse(lines(log)[0] as string)).toMatchObject({ method: "GET", url: "/sum?a=0&b=1", status: 200, bytes: 1 });
        renameSync(log, `${log}.1`);
        process.kill(Number(readFileSync(pidFile, "utf8")), "SIGUSR1");
        // Until every process has reopened, a line may still go to the renamed file: wait for the new one to appear.
        const deadline = Date.now() + 10_000;
        let sent = 0;
        while (lines(log).length === 0 && Date.now() < deadline) {
          await (await fetch(`${urlOf(cli)}/sum?a=9&b=9`)).text();
          sent++;
          await new Promise((r) => setTimeout(r, 50));
        }
        for (let i = 0; i < 6; i++) await (await fetch(`${urlOf(cli)}/sum?a=${i}&b=100`)).text();
        await expect.poll(() => lines(log).filter((l) => l.includes("b=100")).length, { timeout: 5000 }).toBe(6);
        expect(lines(`${log}.1`).filter((l) => l.includes("b=100"))).toEqual([]);
        expect(lines(`${log}.1`).length + lines(log).length).toBe(4 + sent + 6);
        expect(cli.stdout()).toBe("");
      } finally {
        await stop(cli);
      }
    }, 60_000);
  }
});
