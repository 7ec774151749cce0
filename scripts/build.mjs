// Builds dist/ from src/, then every other tree that ships compiled (middleware/, examples/).
// Each later tree imports the package by name ("tsgi"), resolved to the dist/ just built.
// Concurrent builds (several test runs at once) take turns through a lock directory, so one never
// deletes dist/ under another.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const projects = ["tsconfig.build.json", "middleware/tsconfig.build.json", "examples/tsconfig.build.json"];
const LOCK = ".build.lock";
const STALE_MS = 10 * 60_000;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquire() {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {}
      sleep(200);
    }
  }
}

acquire();
try {
  rmSync("dist", { recursive: true, force: true });
  for (const project of projects) {
    if (!existsSync(project)) continue;
    execFileSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
  }
  if (existsSync("dist/cli.js")) chmodSync("dist/cli.js", 0o755);
} finally {
  rmSync(LOCK, { recursive: true, force: true });
}
