import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { freePort, tempDir } from "../support/daemon.js";
import { startCli } from "./run-cli.js";

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => { body += chunk.toString(); });
      res.on("end", () => resolve(body));
    }).on("error", reject).end();
  });
}

const version = (text: string): string => `export default () => ({ status: 200, headers: [["content-type", "text/plain"]], body: ${JSON.stringify(text)} });\n`;

describe("tsgi serve --reload", () => {
  it("restarts the app when its source changes, and stops with SIGTERM", async () => {
    const temp = tempDir();
    const port = await freePort();
    writeFileSync(join(temp.path, "app.mjs"), version("v1"));
    const cli = startCli(["serve", "app.mjs", "--reload", "--bind", `127.0.0.1:${port}`], {}, temp.path);
    try {
      await cli.waitFor(/serving app\.mjs/);
      expect(await get(port)).toBe("v1");
      writeFileSync(join(temp.path, "app.mjs"), version("v2"));
      await cli.waitFor(/app\.mjs changed; restarting/);
      const deadline = Date.now() + 15_000;
      let body = "";
      while (Date.now() < deadline) {
        body = await get(port).catch(() => "");
        if (body === "v2") break;
        await sleep(100);
      }
      expect(body).toBe("v2");
    } finally {
      cli.child.kill("SIGTERM");
      expect(await cli.exited, cli.stderr()).toBe(0);
      await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
      temp.remove();
    }
  });

  it("restarts the app on SIGHUP (the supervisor is still running afterwards)", async () => {
    const temp = tempDir();
    const port = await freePort();
    writeFileSync(join(temp.path, "app.mjs"), "export default () => ({ status: 200, headers: [[\"content-type\", \"text/plain\"]], body: String(process.pid) });\n");
    const cli = startCli(["serve", "app.mjs", "--reload", "--bind", `127.0.0.1:${port}`], {}, temp.path);
    try {
      await cli.waitFor(/serving app\.mjs/);
      const first = await get(port);
      cli.child.kill("SIGHUP");
      await cli.waitFor(/SIGHUP: restarting the app/);
      const deadline = Date.now() + 15_000;
      let body = first;
      while (Date.now() < deadline && (body === first || body === "")) {
        body = await get(port).catch(() => "");
        await sleep(100);
      }
      expect(body).toMatch(/^\d+$/);
      expect(body).not.toBe(first);
      expect(cli.child.exitCode).toBeNull();
    } finally {
      cli.child.kill("SIGTERM");
      expect(await cli.exited, cli.stderr()).toBe(0);
      temp.remove();
    }
  });
});
