// Packs the repository as npm would publish it (npm pack, without the build script: needs dist/) and unpacks it.
// Packing holds scripts/build.mjs's lock, so a build running at the same time never empties dist/ under npm pack.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

const LOCK = join(ROOT, ".build.lock");

/** Takes the build lock (waiting for a running build, at most `waitMs`; a lock older than 10 minutes is stale, as build.mjs says). */
function acquireBuildLock(waitMs = 300_000): void {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 10 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {}
      if (Date.now() > deadline) throw new Error(`a build still holds ${LOCK} after ${waitMs / 1000} s: wait for npm run build to finish, or remove the lock if no build runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

/** Returns the tarball's path and where it was unpacked: `<dir>/project/node_modules/tsgi`, as npm would install it. */
export function packAndUnpack(): { tarball: string; dir: string; packageDir: string } {
  const dir = mkdtempSync(join(tmpdir(), "tsgi-pack-"));
  acquireBuildLock();
  let out: string;
  try {
    if (!existsSync(join(ROOT, "dist/index.js"))) throw new Error("dist/ is missing: run npm run build before this test");
    out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
  const [{ filename }] = JSON.parse(out) as [{ filename: string }];
  const tarball = join(dir, filename);
  const packageDir = join(dir, "project", "node_modules", "tsgi");
  mkdirSync(packageDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", packageDir, "--strip-components=1"], { timeout: 60_000 });
  return { tarball, dir, packageDir };
}
