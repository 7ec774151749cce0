// The "done when", as users run it: the compiled command (npm run build) serving the TypeScript example.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, waitForPort } from "../support/daemon.js";
import { ROOT } from "./run-cli.js";

const CLI = resolve(ROOT, "dist/cli.js");

describe.runIf(existsSync(CLI) || process.env.CI !== undefined)("node dist/cli.js serve examples/sum/app.ts", () => {
  it("answers /sum?a=1&b=2 with 3 and /sum?a=x&b=2 with a clear 400", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, "serve", "examples/sum/app.ts", "--bind", `127.0.0.1:${port}`], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    const exited = new Promise((r) => child.once("exit", r));
    try {
      await waitForPort(port, 20_000, child);
      const ok = await fetch(`http://127.0.0.1:${port}/sum?a=1&b=2`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe("3");
      const bad = await fetch(`http://127.0.0.1:${port}/sum?a=x&b=2`);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toBe('a must be a number; got "x"\n');
    } finally {
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
