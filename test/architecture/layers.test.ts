// The layers must stay visible in the tree: contract → protocol codecs → servers → framework → middleware.
// A file may import its own layer or a lower one; middleware import only public entry points.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

const LAYERS: Array<{ name: string; rank: number; match: (path: string) => boolean }> = [
  { name: "contract", rank: 0, match: (p) => /^src\/(contract|errors|index)\.ts$/.test(p) || /^src\/(gateway|lint|testing|fetch|html|metrics)\//.test(p) },
  { name: "protocol", rank: 1, match: (p) => p.startsWith("src/protocol/") },
  { name: "server", rank: 2, match: (p) => p.startsWith("src/server/") || p === "src/cli.ts" || p.startsWith("src/cli/") },
  { name: "framework", rank: 3, match: (p) => p.startsWith("src/framework/") },
];

/** Which lower layers each layer may import, beyond itself. */
const ALLOWED: Record<string, string[]> = {
  contract: [],
  protocol: ["contract"],
  server: ["contract", "protocol"],
  framework: ["contract"],
};

function files(dir: string): string[] {
  let out: string[] = [];
  let entries: string[] = [];
  try { entries = readdirSync(join(root, dir)); } catch { return out; }
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(join(root, path)).isDirectory()) out = out.concat(files(path));
    else if (path.endsWith(".ts") && !path.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function imports(path: string): string[] {
  // Comments go first: doc comments show imports by package name in their examples.
  const source = readFileSync(join(root, path), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
    found.push((match[1] ?? match[2]) as string);
  }
  return found;
}

function layerOf(path: string): string | undefined {
  return LAYERS.find((layer) => layer.match(path))?.name;
}

describe("layers", () => {
  it("no source file imports a layer it must not", () => {
    const violations: string[] = [];
    for (const file of files("src")) {
      const from = layerOf(file);
      if (from === undefined) continue;
      for (const specifier of imports(file)) {
        let target: string | undefined;
        if (specifier.startsWith(".")) target = relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, ".ts");
        else if (specifier === "tsgi" || specifier.startsWith("tsgi/")) violations.push(`${file} imports the package by name (${specifier}); use a relative import`);
        if (target === undefined) continue;
        const to = layerOf(target);
        if (to !== undefined && to !== from && !(ALLOWED[from] ?? []).includes(to)) violations.push(`${file} (${from}) imports ${target} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("every import() of tsgi's own code names a literal path, so tsc and this test see it", () => {
    // Only the app loader imports a computed specifier: the user's module and tsx found in the user's project.
    const allowed = new Set(["src/server/load.ts"]);
    const violations: string[] = [];
    for (const file of files("src")) {
      if (allowed.has(file)) continue;
      const source = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
      for (const match of source.matchAll(/\bimport\(\s*([^)]*)\)/g)) {
        if (!/^["'][^"']+["']$/.test((match[1] as string).trim())) violations.push(`${file}: import(${match[1]})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("middleware import only public entry points, and never the framework", () => {
    const violations: string[] = [];
    for (const file of files("middleware")) {
      for (const specifier of imports(file)) {
        if (specifier.startsWith(".")) {
          const target = relative(root, resolve(root, dirname(file), specifier));
          if (!target.startsWith("middleware/")) violations.push(`${file} reaches into ${target}; import from "tsgi" instead`);
        } else if (specifier === "tsgi/framework") {
          violations.push(`${file} imports the framework; middleware must work without it`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("the root entry stays lean: it re-exports no server, protocol or framework module", () => {
    const entry = imports("src/index.ts");
    expect(entry.filter((specifier) => /server|protocol|framework/.test(specifier))).toEqual([]);
  });
});
