/**
 * `tsgi init [DIR]` as a module: writes a ready project (package.json with dev/start/test/bundle
 * scripts, a tsconfig for standard decorators, an app using the framework and middleware, a test
 * with the test client). The CLI calls {@link initProject}; nothing here parses arguments.
 *
 * @example
 * ```ts
 * import { initProject } from "./init/index.js";
 * const { files } = await initProject("my-app", { tsgi: "^0.1.0" });
 * // files: ["package.json", "tsconfig.json", "vitest.config.ts", "src/app.ts", "test/app.test.ts", ...]
 * ```
 * @module
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { TsgiError } from "../../server/errors.js";
import { appTestTs, appTs, cgiBinPackageJson, gitignore, packageJson, readme, tsconfigJson, vitestConfig } from "./templates.js";

/** Options of {@link initProject}. */
export interface InitOptions {
  /**
   * How the project depends on tsgi: a version range (`^0.1.0`), a tarball (`file:../tsgi-0.1.0.tgz`, or a
   * path ending in `.tgz`, made absolute) or a git URL. Default `^` and this package's version.
   */
  tsgi?: string;
  /** The package name; default the directory's name, made npm-safe. */
  name?: string;
}

/** What {@link initProject} did. */
export interface InitResult {
  /** The project directory, absolute. */
  dir: string;
  /** The files written, relative to `dir`, in the order written. */
  files: string[];
}

/** `tsgi init` refused: the message names the cause and the fix (printed as it is, exit code 1). */
export class InitError extends TsgiError {
  override readonly name = "InitError";
}

/** Entries an otherwise empty directory may hold (a fresh `git init`, editor settings). */
const HARMLESS = new Set([".git", ".DS_Store", ".idea", ".vscode"]);

async function ownVersion(): Promise<string> {
  for (const up of ["../../../package.json", "../../../../package.json"]) {
    try {
      const pkg = JSON.parse(await readFile(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "tsgi" && pkg.version) return pkg.version;
    } catch {}
  }
  return "0.1.0";
}

function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "").slice(0, 214);
  return name || "tsgi-app";
}

function dependencySpec(spec: string): string {
  if (/\.t(ar\.)?gz$/.test(spec) && !/^[a-z+]+:/.test(spec)) return `file:${resolve(spec)}`;
  return spec;
}

/**
 * Writes a new tsgi project into `dir` (created when missing). Refuses a directory that already
 * holds files, so nothing of the user's is overwritten.
 */
export async function initProject(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const root = resolve(dir);
  let existing: string[] = [];
  try {
    existing = (await readdir(root)).filter((entry) => !HARMLESS.has(entry));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") throw new InitError(`cannot init ${root}: it is a file, not a directory; name a new directory: tsgi init my-app`);
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (existing.length > 0) {
    const shown = existing.sort().slice(0, 5).join(", ") + (existing.length > 5 ? `, ... (${existing.length} entries)` : "");
    throw new InitError(`cannot init ${root}: it is not empty (${shown}); nothing was written. Name a new directory (tsgi init my-app) or empty this one first`);
  }
  const values = { name: options.name ?? packageName(root), tsgi: dependencySpec(options.tsgi ?? `^${await ownVersion()}`) };
  const files: Array<[string, string]> = [
    ["package.json", packageJson(values)],
    ["tsconfig.json", tsconfigJson()],
    ["vitest.config.ts", vitestConfig()],
    ["src/app.ts", appTs()],
    ["test/app.test.ts", appTestTs()],
    ["cgi-bin/package.json", cgiBinPackageJson()],
    [".gitignore", gitignore()],
    ["README.md", readme(values.name)],
  ];
  for (const [path, text] of files) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text, { flag: "wx" });
  }
  return { dir: root, files: files.map(([path]) => path) };
}
