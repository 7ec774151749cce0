// systemd socket activation with the real systemd-socket-activate (Debian package systemd): it listens, execs
// `tsgi serve --bind fd:3` (LISTEN_FDS=1, LISTEN_PID = the server's pid) on the first connection, and the
// server answers on the socket it was handed; as one process and as the pool.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findBinary, freePort, haveBinaries, tempDir, waitForPort } from "../support/daemon.js";
import { ROOT } from "./run-cli.js";

const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const dir = tempDir("tsgi-activate-");
afterAll(() => dir.remove());

describe.runIf(haveBinaries("systemd-socket-activate"))("systemd socket activation (systemd-socket-activate)", () => {
  for (const workers of [1, 2]) {
    it(`starts tsgi serve --bind fd:3${workers > 1 ? " --workers 2" : ""} on the first connection and serves on the handed-over socket`, async () => {
      const port = await freePort();
      const pidFile = join(dir.path, `w${workers}.pid`);
      const child = spawn(findBinary("systemd-socket-activate") as string, [
        "-l", `127.0.0.1:${port}`, "--",
        process.execPath, "--conditions=tsgi-source", "--import", TSX, resolve(ROOT, "src/cli.ts"),
        "serve", "examples/sum/app.ts", "--bind", "fd:3", "--pid", pidFile,
        ...(workers > 1 ? ["--workers", String(workers), "--control-socket", join(dir.path, `w${workers}.sock`)] : []),
      ], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let log = "";
      child.stderr.on("data", (chunk: Buffer) => { log += chunk.toString(); });
      const exited = new Promise<number | string>((r) => child.once("exit", (code, signal) => r(code ?? signal ?? -1)));
      const killer = setTimeout(() => child.kill("SIGKILL"), 45_000);
      try {
        await waitForPort(port, 10_000, child); // this first connection starts the server
        for (let i = 0; i < 3; i++) {
          const reply = await fetch(`http://127.0.0.1:${port}/sum?a=${i}&b=2`);
          expect(await reply.text()).toBe(String(i + 2));
        }
        expect(log).toMatch(/Execing .*node/);
        // A request is answered once one worker is ready; the pool says it serves once all are.
        await expect.poll(() => log, { timeout: 20_000 }).toMatch(workers > 1 ? /tsgi pool: serving examples\/sum\/app\.ts over HTTP on fd:3 with 2 workers/ : /tsgi: serving examples\/sum\/app\.ts:default over HTTP on fd:3/);
        // systemd-socket-activate execs the server in its own process: the pid file names that process.
        expect(Number(readFileSync(pidFile, "utf8"))).toBe(child.pid);
      } finally {
        child.kill("SIGTERM");
        const code = await exited;
        expect(code, `exit ${code}: ${log}`).toBe(0);
        clearTimeout(killer);
      }
      expect(existsSync(pidFile)).toBe(false);
    }, 60_000);
  }
});
