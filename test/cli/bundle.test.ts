import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleCgi } from "../../src/cli/bundle-command.js";
import { tempDir } from "../support/daemon.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("tsgi bundle", () => {
  it("writes one executable CommonJS file with a node shebang that serves the app as CGI", async () => {
    const temp = tempDir();
    try {
      const out = join(temp.path, "cgi-bin", "app.cgi");
      mkdirSync(dirname(out));
      const warnings = await bundleCgi({ spec: "test/cli/fixtures/slow-app.ts:createApp()", out, conditions: ["tsgi-source"], cwd: ROOT });
      expect(warnings).toEqual([]);
      const text = readFileSync(out, "utf8");
      expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true);
      expect(statSync(out).mode & 0o111).toBe(0o111);
      expect(text).not.toMatch(/\bimport\s*\(|require\("tsgi/);
      const run = spawnSync(out, [], { env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, GATEWAY_INTERFACE: "CGI/1.1", REQUEST_METHOD: "GET", PATH_INFO: "/x" }, encoding: "utf8" });
      expect(run.stdout).toBe("Status: 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok");
    } finally {
      temp.remove();
    }
  });

  it("warns when the file would land in a \"type\": \"module\" package, where node refuses a .cgi", async () => {
    const temp = tempDir();
    try {
      writeFileSync(join(temp.path, "package.json"), JSON.stringify({ type: "module" }));
      const out = join(temp.path, "app.cgi");
      const warnings = await bundleCgi({ spec: "examples/sum/app.ts", out, conditions: ["tsgi-source"], cwd: ROOT });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('Put a package.json with {"type": "commonjs"} beside it, or name it .cjs');
    } finally {
      temp.remove();
    }
  });

  it("says what failed when the app cannot be bundled", async () => {
    await expect(bundleCgi({ spec: "nowhere/app.ts", out: "/tmp/never.cgi", cwd: ROOT })).rejects.toThrow(/cannot load "nowhere\/app\.ts"/);
  });

  it("says where a top-level await is and to move it into factory()", async () => {
    const temp = tempDir();
    try {
      writeFileSync(join(temp.path, "app.ts"), 'const config = await Promise.resolve({ greeting: "hi" });\nexport default () => ({ status: 200, headers: [], body: config.greeting });\n');
      const failure = bundleCgi({ spec: "app.ts", out: join(temp.path, "app.cgi"), cwd: temp.path });
      await expect(failure).rejects.toThrow('bundling app.ts failed: app.ts:1:16: Top-level await is currently not supported with the "cjs" output format\n'
        + "  1 | const config = await Promise.resolve({ greeting: \"hi\" });\n    |                ^\n"
        + "a CGI bundle is CommonJS, which has no top-level await: move the awaited set-up into a factory, export default factory(");
    } finally {
      temp.remove();
    }
  });
});
