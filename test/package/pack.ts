// Packs the repository as npm would publish it (npm pack, without the build script: needs dist/) and unpacks it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

/** Returns the tarball's path and where it was unpacked: `<dir>/project/node_modules/tsgi`, as npm would install it. */
export function packAndUnpack(): { tarball: string; dir: string; packageDir: string } {
  if (!existsSync(join(ROOT, "dist/index.js"))) throw new Error("dist/ is missing: run npm run build before this test");
  const dir = mkdtempSync(join(tmpdir(), "tsgi-pack-"));
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  const [{ filename }] = JSON.parse(out) as [{ filename: string }];
  const tarball = join(dir, filename);
  const packageDir = join(dir, "project", "node_modules", "tsgi");
  mkdirSync(packageDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", packageDir, "--strip-components=1"], { timeout: 60_000 });
  return { tarball, dir, packageDir };
}
