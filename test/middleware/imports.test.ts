// The layering rule for middleware: import only the package's public entry points (tsgi, tsgi/...),
// node: built-ins, declared packages, and each other — never a relative path into src/.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../middleware/", import.meta.url));
const ALLOWED_PACKAGES = new Set(["tsgi", "cookie", "ioredis"]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []);
}

describe("middleware imports", () => {
  it("use only public entry points, node: built-ins and relative paths inside middleware/", () => {
    const problems: string[] = [];
    let seen = 0;
    for (const file of files(ROOT)) {
      const source = readFileSync(file, "utf8");
      const specifiers = [...source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm), ...source.matchAll(/\bimport\("([^"]+)"\)/g)];
      seen += specifiers.length;
      for (const match of specifiers) {
        const specifier = match[1] as string;
        const name = relative(ROOT, file);
        if (specifier.startsWith("node:")) continue;
        if (specifier.startsWith(".")) {
          if (relative(ROOT, resolve(file, "..", specifier)).startsWith("..")) problems.push(`${name}: ${specifier} leaves middleware/`);
          continue;
        }
        const pkg = specifier.split("/")[0] as string;
        if (!ALLOWED_PACKAGES.has(pkg)) problems.push(`${name}: ${specifier} is not an allowed package`);
      }
    }
    expect(seen).toBeGreaterThan(40); // the scan really finds the imports
    expect(problems).toEqual([]);
  });

  it("load ioredis only lazily, so the core install never needs it", () => {
    for (const file of files(ROOT)) expect(readFileSync(file, "utf8"), file).not.toMatch(/^import[^;]*from "ioredis"/m);
    expect(readFileSync(join(ROOT, "lib/redis.ts"), "utf8")).toMatch(/await import\("ioredis"\)/);
  });
});
