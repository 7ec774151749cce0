// The pool's orphan watch on Bun and Deno: a worker process (with an IPC channel and NODE_UNIQUE_ID, as node:cluster
// starts one) whose parent exits is killed by its watch thread, and nothing is logged on the way.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/daemon.js";
import { findRuntime, haveRuntime, type RuntimeName } from "./host.js";

const ROOT = resolve(import.meta.dirname, "../..");

// The parent: starts the runtime with an IPC channel and stderr to a file, prints its pid, exits after 800 ms.
const PARENT = `
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const [binary, ...args] = JSON.parse(process.argv[1]);
const err = fs.openSync(process.argv[2], "w");
const child = spawn(binary, args, { stdio: ["ignore", "ignore", err, "ipc"], env: { PATH: process.env.PATH, HOME: process.argv[3], NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", NODE_UNIQUE_ID: "1" } });
child.unref(); child.channel?.unref?.();
process.stdout.write(String(child.pid));
setTimeout(() => process.exit(0), 800);
`;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

for (const runtime of ["deno", "bun"] as RuntimeName[]) {
  describe.runIf(haveRuntime(runtime))(`orphan watch on ${runtime}`, () => {
    it("kills a worker whose parent is gone, without an error", async () => {
      const temp = tempDir(`tsgi-orphan-${runtime}-`);
      try {
        const bundle = join(temp.path, "orphan.mjs");
        await build({ entryPoints: [join(ROOT, "test/runtimes/fixtures/orphan.ts")], bundle: true, format: "esm", platform: "node", target: "es2022", outfile: bundle, logLevel: "silent" });
        const args = runtime === "deno" ? [findRuntime(runtime)!, "run", "-A", bundle] : [findRuntime(runtime)!, bundle];
        const errFile = join(temp.path, "stderr.txt");
        const parent = spawn(process.execPath, ["-e", PARENT, JSON.stringify(args), errFile, temp.path], { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        parent.stdout.setEncoding("utf8").on("data", (chunk: string) => { out += chunk; });
        await new Promise((done) => parent.once("exit", done));
        const pid = Number(out);
        expect(pid).toBeGreaterThan(0);
        const deadline = Date.now() + 5_000;
        while (alive(pid) && Date.now() < deadline) await sleep(50);
        const stillAlive = alive(pid);
        if (stillAlive) process.kill(pid, "SIGKILL");
        expect(stillAlive, "the orphaned worker was killed by its watch").toBe(false);
        expect(readFileSync(errFile, "utf8")).toBe("watching\n");
      } finally {
        temp.remove();
      }
    }, 20_000);
  });
}
