// `tsgi serve` itself (the built dist/cli.js) run by Bun and Deno: one process and the pre-fork pool
// (--workers 2) serve examples/sum on 127.0.0.1, and SIGTERM stops them cleanly (exit 0).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { freePort, tempDir } from "../support/daemon.js";
import { findRuntime, haveRuntime, type RuntimeName } from "./host.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli.js");

async function serveUnder(runtime: RuntimeName, extra: string[]): Promise<{ port: number; output: () => string; stop: () => Promise<number | null> }> {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run npm run build");
  const temp = tempDir(`tsgi-cli-${runtime}-`);
  const app = join(temp.path, "sum.mjs");
  await build({ entryPoints: [join(ROOT, "examples/sum/app.ts")], bundle: true, format: "esm", platform: "node", target: "es2022", conditions: ["tsgi-source"], outfile: app, logLevel: "silent", absWorkingDir: ROOT });
  const args = [...(runtime === "deno" ? ["run", "-A", "--no-prompt"] : []), CLI, "serve", app, "--bind", `127.0.0.1:${await freePort()}`, "--grace", "2", ...extra];
  if (extra.includes("--workers")) args.push("--control-socket", join(temp.path, "control.sock"));
  const child = spawn(findRuntime(runtime)!, args, { cwd: temp.path, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: temp.path, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => { output += chunk; });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => { output += chunk; });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const code = await Promise.race([exited, sleep(8_000).then(() => "hung" as const)]);
    if (code === "hung") child.kill("SIGKILL");
    temp.remove();
    return code === "hung" ? -1 : code;
  };
  const deadline = Date.now() + 15_000;
  let match: RegExpExecArray | null = null;
  while ((match = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)) === null && Date.now() < deadline && child.exitCode === null) await sleep(50);
  if (match === null) {
    await stop();
    throw new Error(`tsgi serve under ${runtime} did not start within 15 s: ${output}`);
  }
  return { port: Number(match[1]), output: () => output, stop };
}

for (const runtime of ["bun", "deno"] as RuntimeName[]) {
  describe.runIf(haveRuntime(runtime))(`tsgi serve on ${runtime}`, () => {
    for (const extra of [[], ["--workers", "2"]]) {
      it(`serves and stops cleanly ${extra.length === 0 ? "in one process" : "as a pool of 2 workers"}`, async () => {
        const server = await serveUnder(runtime, extra);
        let code: number | null;
        try {
          for (let i = 0; i < 4; i++) {
            const response = await fetch(`http://127.0.0.1:${server.port}/sum?a=${i}&b=2`);
            expect(response.status).toBe(200);
            expect(await response.text()).toBe(String(i + 2));
          }
        } finally {
          code = await server.stop();
        }
        expect(code, server.output()).toBe(0);
        expect(server.output()).not.toMatch(/error|not supported|TypeError/i);
      }, 40_000);
    }
  });
}
