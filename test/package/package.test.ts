// The package as published: npm pack, unpacked; what users import resolves, nothing internal does, links work.
// Needs dist/ (npm run build).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAndUnpack, ROOT } from "./pack.js";

let pkg: { dir: string; packageDir: string };
beforeAll(() => {
  pkg = packAndUnpack();
}, 120_000);
afterAll(() => rmSync(pkg.dir, { recursive: true, force: true }));

type Exports = Record<string, string | Record<string, string>>;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The project the tarball was unpacked into, with tsgi's dependencies linked from this checkout. */
function project(): string {
  const dir = join(pkg.dir, "project");
  const modules = join(dir, "node_modules");
  for (const dep of ["cookie", "path-to-regexp", "zod"]) {
    if (!existsSync(join(modules, dep))) symlinkSync(join(ROOT, "node_modules", dep), join(modules, dep), "dir");
  }
  return dir;
}

/** Resolves (and imports) specifiers as ES modules from the project, which has no package.json (untyped). */
function resolveFrom(specifiers: string[], load: boolean): Record<string, string> {
  const script = `const out = {};
for (const s of ${JSON.stringify(specifiers)}) {
  try { import.meta.resolve(s); ${load ? "await import(s);" : ""} out[s] = "ok"; } catch (e) { out[s] = e.code ?? String(e); }
}
console.log(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: project(), encoding: "utf8", timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, string>;
}

describe("npm pack", () => {
  it("ships LICENSE (MIT, the tsgi authors), README, dist and no compiled examples", () => {
    const license = readFileSync(join(pkg.packageDir, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License/);
    expect(license).toContain("Copyright (c) the tsgi authors");
    expect(existsSync(join(pkg.packageDir, "README.md"))).toBe(true);
    expect(existsSync(join(pkg.packageDir, "dist/cli.js"))).toBe(true);
    expect(existsSync(join(pkg.packageDir, "dist/examples"))).toBe(false);
  });

  it("the README's Install section answers `npx tsgi` 404ing: not on the registry, and the tarball and git commands (named as npm pack names it)", () => {
    const readme = readFileSync(join(pkg.packageDir, "README.md"), "utf8");
    const install = /^## Install\n([^]*?)^## /m.exec(readme)?.[1] ?? "";
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(install).toContain("tsgi is not on the npm registry yet");
    expect(install).toContain(`npm install ../tsgi/tsgi-${version}.tgz`);
    expect(readdirSync(pkg.dir)).toContain(`tsgi-${version}.tgz`);
    expect(install).toMatch(/npm install "git\+\$TSGI_REPO_URL"/);
    expect(install).toContain("npm install -D tsx");
    expect(install).toContain("npx tsgi init");
    expect(install).toContain("docs/install.md");
  });

  it("every exports target exists in the tarball", () => {
    const exports = (JSON.parse(readFileSync(join(pkg.packageDir, "package.json"), "utf8")) as { exports: Exports }).exports;
    const missing: string[] = [];
    for (const [entry, target] of Object.entries(exports)) {
      const paths = typeof target === "string" ? [target] : Object.values(target);
      for (const path of paths) if (!existsSync(join(pkg.packageDir, path))) missing.push(`${entry} -> ${path}`);
    }
    expect(missing).toEqual([]);
    expect(Object.keys(exports).some((entry) => entry.includes("*"))).toBe(false);
  });

  it("every public entry, and every tsgi/... import in the docs and examples, resolves and loads from the tarball", () => {
    const exports = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Exports }).exports);
    const used = new Set<string>();
    for (const file of [join(ROOT, "README.md"), ...walk(join(ROOT, "docs")), ...walk(join(ROOT, "examples"))]) {
      if (!/\.(md|ts)$/.test(file)) continue;
      for (const m of readFileSync(file, "utf8").matchAll(/from\s+["'](tsgi(?:\/[a-z0-9/-]+)?)["']/g)) used.add(m[1] as string);
    }
    const specifiers = [...new Set([...exports.filter((e) => e !== "./package.json").map((e) => (e === "." ? "tsgi" : `tsgi/${e.slice(2)}`)), ...used])];
    const results = resolveFrom(specifiers, true);
    expect(Object.entries(results).filter(([, r]) => r !== "ok")).toEqual([]);
    expect(specifiers).toContain("tsgi/html");
    expect(specifiers).toContain("tsgi/metrics");
  });

  it("a CommonJS project can require() every public entry (Node 20.19+ loads ES modules from require)", () => {
    const exports = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Exports }).exports);
    const specifiers = exports.filter((e) => e !== "./package.json").map((e) => (e === "." ? "tsgi" : `tsgi/${e.slice(2)}`));
    const cjs = join(project(), "cjs");
    mkdirSync(cjs, { recursive: true });
    writeFileSync(join(cjs, "package.json"), JSON.stringify({ name: "cjs", type: "commonjs" }));
    const script = `const out = {};
for (const s of ${JSON.stringify(specifiers)}) { try { out[s] = Object.keys(require(s)).length > 0 ? "ok" : "empty"; } catch (e) { out[s] = e.code ?? String(e); } }
console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ["--no-warnings", "-e", script], { cwd: cjs, encoding: "utf8", timeout: 60_000 });
    expect(Object.entries(JSON.parse(stdout) as Record<string, string>).filter(([, r]) => r !== "ok")).toEqual([]);
  });

  it("no internal module is importable", () => {
    const internal = [
      "tsgi/middleware/lib/cookie", "tsgi/middleware/lib/headers", "tsgi/middleware/session/codec",
      "tsgi/middleware/session/memory-store", "tsgi/middleware/rate-limit/store", "tsgi/middleware/auth/login-limits",
      "tsgi/gateway/body", "tsgi/server/load", "tsgi/cli", "tsgi/dist/index.js", "tsgi/src/index.ts", "tsgi/middleware/lib/cookie.js",
    ];
    const results = resolveFrom(internal, false);
    expect(Object.entries(results).filter(([, r]) => r !== "ERR_PACKAGE_PATH_NOT_EXPORTED")).toEqual([]);
  });

  it("every relative link in shipped markdown resolves inside the tarball", () => {
    const broken: string[] = [];
    for (const file of walk(pkg.packageDir).filter((f) => f.endsWith(".md"))) {
      const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
      for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const link = (m[1] as string).split("#")[0] as string;
        if (link === "" || /^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
        const target = join(dirname(file), decodeURIComponent(link));
        if (relative(pkg.packageDir, target).startsWith("..") || !existsSync(target)) broken.push(`${relative(pkg.packageDir, file)}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
