/**
 * `tsgi init [DIR]` as a module: writes a ready project (package.json with dev/start/test/bundle
 * scripts, a tsconfig for standard decorators, an app using the framework and middleware, a test
 * with the test client) into a new or empty directory, or adds it to an existing project (one with a
 * package.json) without overwriting anything of the user's. The CLI calls {@link initProject}.
 *
 * @example
 * ```ts
 * import { initProject } from "./init/index.js";
 * const { files } = await initProject("my-app", { tsgi: "^0.1.0" });
 * // files: ["package.json", "tsconfig.json", "vitest.config.ts", "src/app.ts", "test/app.test.ts", ...]
 * const { added, kept } = await initProject("."); // in a project made by npm init -y
 * // added: ["scripts.dev", ..., "dependencies.zod", ...]; kept: the scripts and files that were already there
 * ```
 * @module
 */
import { lstat, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { TsgiError } from "../../server/errors.js";
import { mergeManifest } from "./merge.js";
import { appTestTs, appTs, cgiBinPackageJson, gitignore, packageJson, readme, tsconfigJson, vitestConfig, wantedManifest } from "./templates.js";

/** Options of {@link initProject}. */
export interface InitOptions {
  /**
   * How the project depends on tsgi: a version range (`^0.1.0`), a tarball (`file:../tsgi-0.1.0.tgz`, or a
   * path ending in `.tgz`, made absolute) or a git URL. Default `^` and this package's version. An
   * existing project that already depends on tsgi keeps its own spec.
   */
  tsgi?: string;
  /** The package name for a new package.json; default the directory's name, made npm-safe. */
  name?: string;
}

/** What {@link initProject} did. */
export interface InitResult {
  /** The project directory, absolute. */
  dir: string;
  /** True when the directory already held a project (a package.json) that init added to. */
  existing: boolean;
  /** The files written (package.json included when it changed), relative to `dir`, in the order written. */
  files: string[];
  /** In an existing project: the package.json fields added, as `scripts.dev`, `devDependencies.tsx`, ... */
  added: string[];
  /** In an existing project: what was already there and left as it was (`scripts.test`, `README.md`, ...). */
  kept: string[];
}

/** `tsgi init` refused: the message names the cause and the fix (printed as it is, exit code 1). */
export class InitError extends TsgiError {
  override readonly name = "InitError";
}

/** Entries an otherwise empty directory may hold (a fresh `git init`, editor settings). */
const HARMLESS = new Set([".git", ".DS_Store", ".idea", ".vscode"]);

/** Files an existing project's own version of is kept as it is; any other file init would change is a conflict. */
const KEEP_THEIRS = new Set(["README.md", ".gitignore"]);

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

function projectFiles(name: string): Array<[string, string]> {
  return [
    ["tsconfig.json", tsconfigJson()],
    ["vitest.config.ts", vitestConfig()],
    ["src/app.ts", appTs()],
    ["test/app.test.ts", appTestTs()],
    ["cgi-bin/package.json", cgiBinPackageJson()],
    [".gitignore", gitignore()],
    ["README.md", readme(name)],
  ];
}

/** What is at `path` under `root`: nothing, the same text, other text, or something in the way (a directory, a file as a parent). */
async function stateOf(root: string, path: string, text: string): Promise<"absent" | "same" | "different" | "blocked"> {
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const parent = await lstat(join(root, ...parts.slice(0, i))).catch(() => undefined);
    if (parent === undefined) return "absent";
    if (!parent.isDirectory()) return "blocked";
  }
  const stat = await lstat(join(root, path)).catch(() => undefined);
  if (stat === undefined) return "absent";
  if (!stat.isFile()) return "blocked";
  return (await readFile(join(root, path), "utf8")) === text ? "same" : "different";
}

async function writeNew(root: string, path: string, text: string): Promise<void> {
  const target = join(root, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text, { flag: "wx" });
}

function parseManifest(root: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InitError(`cannot init ${root}: its package.json is not valid JSON (${(error as Error).message}); nothing was written. Fix package.json (npm pkg get name shows whether npm can read it) and run tsgi init again`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InitError(`cannot init ${root}: its package.json is not a JSON object; nothing was written. Fix package.json (npm init -y writes a valid one) and run tsgi init again`);
  }
  for (const field of ["scripts", "dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
    const value = (parsed as Record<string, unknown>)[field];
    if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))) {
      throw new InitError(`cannot init ${root}: "${field}" in its package.json is ${Array.isArray(value) ? "an array" : JSON.stringify(value)}, not an object of names; nothing was written. Make it an object (e.g. "${field}": {}) and run tsgi init again`);
    }
  }
  return parsed as Record<string, unknown>;
}

/** The indent the user's package.json uses (npm keeps a file's own indent too). */
function indentOf(text: string): string {
  return /^[ \t]+(?=")/m.exec(text)?.[0] ?? "  ";
}

/** Adds the project to a directory holding a package.json: merges the manifest, writes only absent files. */
async function addToProject(root: string, manifestText: string, values: { name: string; tsgi: string }): Promise<InitResult> {
  const { manifest, added, kept } = mergeManifest(parseManifest(root, manifestText), wantedManifest(values));
  const toWrite: Array<[string, string]> = [];
  const conflicts: string[] = [];
  for (const [path, text] of projectFiles(typeof manifest.name === "string" ? manifest.name : values.name)) {
    const state = await stateOf(root, path, text);
    if (state === "absent") toWrite.push([path, text]);
    else if (state === "same") continue;
    else if (KEEP_THEIRS.has(path) && state === "different") kept.push(path);
    else conflicts.push(state === "blocked" ? `${path} (something else is in its place)` : path);
  }
  if (conflicts.length > 0) {
    const first = (conflicts[0] as string).split(" ")[0] as string;
    throw new InitError(
      `cannot init ${root}: tsgi init would overwrite ${conflicts.join(", ")}; nothing was written. `
      + `Move ${conflicts.length === 1 ? "it" : "them"} aside (e.g. mv ${first} ${first.replace(/(\.[^./]+)?$/, ".old$1")}) and run tsgi init again, or start a new project: tsgi init my-app`,
    );
  }
  for (const [path, text] of toWrite) await writeNew(root, path, text);
  const files = toWrite.map(([path]) => path);
  if (added.length > 0) {
    await writeFile(join(root, "package.json"), JSON.stringify(manifest, null, indentOf(manifestText)) + "\n");
    files.unshift("package.json");
  }
  return { dir: root, existing: true, files, added, kept };
}

/**
 * Writes a tsgi project into `dir`. A new or empty directory gets a whole new project (`"type": "module"`).
 * A directory with a package.json is an existing project: init keeps its `type` (or its absence) and every
 * field, adds the missing scripts and dependencies, and writes only files that are absent, refusing (and
 * writing nothing) when one would be overwritten. Any other non-empty directory is refused.
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
  const values = { name: options.name ?? packageName(root), tsgi: dependencySpec(options.tsgi ?? `^${await ownVersion()}`) };
  if (existing.includes("package.json")) return addToProject(root, await readFile(join(root, "package.json"), "utf8"), values);
  if (existing.length > 0) {
    const shown = existing.sort().slice(0, 5).join(", ") + (existing.length > 5 ? `, ... (${existing.length} entries)` : "");
    throw new InitError(`cannot init ${root}: it is not empty (${shown}) and has no package.json; nothing was written. Name a new directory (tsgi init my-app), or make this one a project first (npm init -y) and run tsgi init again`);
  }
  const files: Array<[string, string]> = [["package.json", packageJson(values)], ...projectFiles(values.name)];
  for (const [path, text] of files) await writeNew(root, path, text);
  return { dir: root, existing: false, files: files.map(([path]) => path), added: [], kept: [] };
}
