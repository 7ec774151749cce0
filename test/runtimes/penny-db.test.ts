// Penny's SQLite adapter (examples/penny/db.ts) under Bun and Deno, where better-sqlite3's native addon
// is not what runs: the Library, the rate store's immediate transaction, a rolled-back transaction and
// "no row" as undefined, on the runtime's own driver.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/daemon.js";
import { findRuntime, haveRuntime, type RuntimeName } from "./host.js";

const ROOT = resolve(import.meta.dirname, "../..");
const DRIVER: Record<RuntimeName, string> = { bun: "bun:sqlite", deno: "node:sqlite" };

for (const runtime of ["bun", "deno"] as RuntimeName[]) {
  describe.runIf(haveRuntime(runtime))(`Penny's database on ${runtime}`, () => {
    it(`runs on ${DRIVER[runtime]} with the same results as on Node`, async () => {
      const temp = tempDir(`tsgi-penny-db-${runtime}-`);
      try {
        const bundle = join(temp.path, "penny-db.mjs");
        await build({
          entryPoints: [join(ROOT, "test/runtimes/fixtures/penny-db.ts")], bundle: true, format: "esm", platform: "node", target: "es2022",
          conditions: ["tsgi-source"], external: ["better-sqlite3"], outfile: bundle, logLevel: "silent", absWorkingDir: ROOT,
          banner: { js: 'import { createRequire as __tsgiCreateRequire } from "node:module"; const require = __tsgiCreateRequire(import.meta.url);' },
        });
        const args = runtime === "deno" ? ["run", "-A", "--no-prompt", bundle] : [bundle];
        const out = execFileSync(findRuntime(runtime)!, args, { cwd: temp.path, timeout: 20_000, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: temp.path, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } });
        expect(JSON.parse(out)).toEqual({ driver: DRIVER[runtime], missing: true, found: ["Runtime Tales"], seeded: { n: 35 }, added: true, again: false, first: 1, second: 2, rolledBack: true });
      } finally {
        temp.remove();
      }
    }, 30_000);
  });
}
