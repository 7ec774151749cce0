/**
 * Loading the app a command line names: `MODULE[:EXPORT]` or `MODULE:EXPORT()` (call the export as a
 * factory, like gunicorn's `module:create_app()`). Used by `tsgi serve`, the pool's workers and the CGI bundle.
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Service } from "../contract.js";
import { toService } from "../gateway/service.js";
import { LoadError } from "./errors.js";

export { LoadError };

/** What {@link loadService} found. */
export interface LoadedService {
  service: Service;
  /** The spec as people read it: `examples/sum/app.ts:default`. */
  name: string;
}

/** Options for {@link loadService}. */
export interface LoadOptions {
  /** Directory relative module paths and package names resolve from (default: `process.cwd()`). */
  cwd?: string;
  /** Put the stack of an error the module throws while it is imported into the LoadError's message. */
  development?: boolean;
}

/** A spec split into its parts. */
export interface ServiceSpec {
  module: string;
  /** The export name, or undefined for the default export. */
  exportName: string | undefined;
  /** True for `MODULE:EXPORT()`: call the export once to get the app or service. */
  call: boolean;
}

const EXPORT_PART = /^([A-Za-z_$][\w$]*)(\(\))?$/;
const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);

/**
 * Splits `MODULE[:EXPORT]` / `MODULE:EXPORT()`. A colon followed by something that is not an
 * identifier stays part of the module path.
 *
 * @example
 * ```ts
 * parseSpec("app.js:create()") // { module: "app.js", exportName: "create", call: true }
 * ```
 */
export function parseSpec(spec: string): ServiceSpec {
  const trimmed = spec.trim();
  if (trimmed === "") throw new LoadError("no app given: pass MODULE[:EXPORT], e.g. tsgi serve app.js or app.js:api");
  const colon = trimmed.lastIndexOf(":");
  if (colon > 0) {
    const match = EXPORT_PART.exec(trimmed.slice(colon + 1));
    if (match !== null) return { module: trimmed.slice(0, colon), exportName: match[1], call: match[2] !== undefined };
    if (trimmed.slice(colon + 1) === "()") return { module: trimmed.slice(0, colon), exportName: "default", call: true };
  }
  return { module: trimmed, exportName: undefined, call: false };
}

function looksLikePath(module: string): boolean {
  return module.startsWith(".") || isAbsolute(module) || module.includes("/") || extname(module) !== "";
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Edit distance between two short names (Levenshtein), for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length] as number;
}

const LOADABLE = /\.(?:[cm]?[jt]s|tsx)$/;

/** Files beside a missing one whose names are close to it: `did you mean app.ts`. */
function nearNames(path: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dirname(path)).filter((name) => LOADABLE.test(name));
  } catch {
    return [];
  }
  const wanted = basename(path);
  const stem = wanted.replace(LOADABLE, "");
  return names
    .map((name) => ({ name, score: Math.min(distance(wanted, name), distance(stem, name.replace(LOADABLE, ""))) }))
    .filter(({ score }) => score <= Math.max(2, Math.floor(stem.length / 3)))
    .sort((x, y) => x.score - y.score || x.name.localeCompare(y.name))
    .slice(0, 3)
    .map(({ name }) => name);
}

/** The file URL of the module, or a LoadError saying where it looked (and which near names exist). */
export function resolveModule(module: string, cwd: string): string {
  if (module.startsWith("file:")) return module;
  const path = resolve(cwd, module);
  if (isFile(path)) return pathToFileURL(path).href;
  if (!looksLikePath(module) || !existsSync(path)) {
    try {
      return pathToFileURL(createRequire(join(cwd, "noop.js")).resolve(module)).href;
    } catch {
      // fall through to the error below
    }
  }
  if (existsSync(path)) throw new LoadError(`cannot load ${JSON.stringify(module)}: ${path} is a directory; name the file, e.g. ${join(module, "app.js")}`);
  const near = nearNames(path).map((name) => join(dirname(module), name));
  const hint = near.length === 0 ? "" : `; did you mean ${near.join(" or ")}?`;
  throw new LoadError(`cannot load ${JSON.stringify(module)}: no file ${path}${hint}`);
}

/** Three lines of source around `line` (1-based) with a caret under `column` (0-based), as compilers print them. */
export function codeFrame(source: string, line: number, column: number): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${lines[n - 1] ?? ""}`);
    if (n === line) out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, column))}^`);
  }
  return out.join("\n");
}

/** Where a load error points: esbuild's `FILE:LINE:COL: ERROR: text`, or the first stack frame in the app's files. */
interface Place { file: string; line: number; column: number; text?: string }

const ESBUILD_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m;

/** What Node says when ES module syntax runs as CommonJS (a `"type": "commonjs"` package, a `.cjs` file). */
const ESM_SYNTAX_IN_COMMONJS = /^(?:Unexpected token 'export'|Cannot use import statement outside a module|Cannot use 'import\.meta' outside a module)/;

function frameOf(place: Place, cwd: string): string {
  let frame = "";
  try {
    frame = `\n${codeFrame(readFileSync(place.file, "utf8"), place.line, place.column)}`;
  } catch {
    // the file went away: the location alone
  }
  const shown = isAbsolute(place.file) ? relative(cwd, place.file) || place.file : place.file;
  return `${shown}:${place.line}:${place.column + 1}${place.text === undefined ? "" : `: ${place.text}`}${frame}`;
}

/** A syntax error Node reports without a place: parse the entry with esbuild (when installed) to find it. */
async function locateSyntaxError(path: string): Promise<Place | undefined> {
  let esbuild: { transform(code: string, options: object): Promise<unknown> };
  try {
    esbuild = (await import("esbuild")) as typeof esbuild;
  } catch {
    return undefined;
  }
  const ext = extname(path).slice(1);
  const loader = ext.endsWith("ts") || ext === "tsx" ? (ext === "tsx" ? "tsx" : "ts") : "js";
  try {
    await esbuild.transform(readFileSync(path, "utf8"), { loader, sourcefile: path, format: "esm" });
  } catch (error) {
    const first = (error as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
    if (first?.location) return { file: path, line: first.location.line, column: first.location.column, text: first.text };
  }
  return undefined;
}

/** The message for a module that failed to import: where, with a code frame, and the stack when asked for. */
async function describeImportFailure(error: unknown, module: string, url: string, cwd: string, development: boolean): Promise<string> {
  if (!(error instanceof Error)) return `cannot load ${module}: ${String(error)}`;
  const esbuildPlace = ESBUILD_ERROR.exec(error.message);
  if (esbuildPlace !== null) {
    const place = { file: esbuildPlace[1] as string, line: Number(esbuildPlace[2]), column: Number(esbuildPlace[3]), text: esbuildPlace[4] as string };
    return `cannot load ${module}: a syntax error at ${frameOf(place, cwd)}`;
  }
  const cycle = /require\(\) ES Module .* in a cycle/.test(error.message) || (error as NodeJS.ErrnoException).code === "ERR_REQUIRE_CYCLE_MODULE";
  const esmAsCommonJs = error.name === "SyntaxError" && ESM_SYNTAX_IN_COMMONJS.test(error.message);
  if (cycle || (error.name === "SyntaxError" && !/:\d+:\d+/.test(error.message))) {
    const place = await locateSyntaxError(fileURLToPath(url));
    if (place !== undefined) return `cannot load ${module}: a syntax error at ${frameOf(place, cwd)}`;
  }
  if (esmAsCommonJs) {
    const esm = /\.[cm]?ts$/.test(module) ? ".mts" : ".mjs";
    const why = /\.c[jt]s$/.test(module) ? "a .cjs or .cts file is always CommonJS" : "as its package.json says";
    const fix = /\.c[jt]s$/.test(module) ? `rename it to ${esm}` : `add "type": "module" to package.json, or rename it to ${esm}`;
    return `cannot load ${module}: it is an ES module (${error.message}) but Node loaded it as CommonJS (${why}); ${fix}`;
  }
  if (cycle) {
    const esm = /\.[cm]?ts$/.test(module) ? ".mts" : ".mjs";
    return `cannot load ${module}: Node loaded it as CommonJS but it is an ES module; add "type": "module" to package.json, or rename it to ${esm}`;
  }
  const firstLine = error.message.split("\n")[0];
  const frame = /\(?((?:file:\/\/)?\/[^():\s]+):(\d+):(\d+)\)?/.exec((error.stack ?? "").split("\n").slice(1).find((line) => !line.includes("node:") && !line.includes("/node_modules/")) ?? "");
  const where = frame === null ? "" : ` (at ${frameOf({ file: (frame[1] as string).replace(/^file:\/\//, ""), line: Number(frame[2]), column: Number(frame[3]) - 1 }, cwd).split("\n")[0]})`;
  if (development) return `cannot load ${module}: importing it threw${where}:\n${error.stack ?? firstLine}`;
  return `cannot load ${module}: ${firstLine}${where} (run with --development for the stack)`;
}

let tsxRegistered: Promise<void> | undefined;

type TsxApi = { register: () => unknown };

/** One of tsx's register APIs (`esm` or `cjs`), found beside tsgi or else in the app's own project. */
async function importTsx(cwd: string, kind: "esm" | "cjs"): Promise<TsxApi> {
  try {
    return (await import(`tsx/${kind}/api`)) as TsxApi;
  } catch {
    const manifest = createRequire(join(cwd, "noop.js")).resolve("tsx/package.json");
    return (await import(pathToFileURL(join(dirname(manifest), `dist/${kind}/api/index.mjs`)).href)) as TsxApi;
  }
}

/**
 * Registers tsx once for `.ts` entry modules (development only): its ESM hooks and its CommonJS hook, so a
 * `.ts` file loads in a `"type": "module"` project, a CommonJS one and one whose package.json has no type.
 */
function registerTsx(cwd: string): Promise<void> {
  tsxRegistered ??= (async () => {
    let apis: TsxApi[];
    try {
      apis = [await importTsx(cwd, "esm"), await importTsx(cwd, "cjs")];
    } catch {
      tsxRegistered = undefined;
      throw new LoadError("install tsx to load .ts, or build to .js (npm i -D tsx; production should run compiled JavaScript)");
    }
    for (const api of apis) api.register();
  })();
  return tsxRegistered;
}

/** A CommonJS module compiled from ES syntax (tsx in a CommonJS project) imports as `{ default: exports }`: unwrap it. */
function esModuleOf(namespace: Record<string, unknown>): Record<string, unknown> {
  const inner = namespace.default;
  if (typeof inner === "object" && inner !== null && (inner as { __esModule?: unknown }).__esModule === true) return inner as Record<string, unknown>;
  return namespace;
}

function exportList(namespace: Record<string, unknown>): string {
  const names = Object.keys(namespace).filter((key) => key !== "__esModule").sort();
  return names.length === 0 ? "it exports nothing" : `its exports: ${names.join(", ")}`;
}

/**
 * Imports the module a spec names and resolves the export to a {@link Service}: the default export
 * when no export is named; `MODULE:EXPORT()` calls the export first (so does an export marked with `factory()`).
 * `.js`/`.mjs` load directly; `.ts` loads through tsx (development only).
 *
 * @example
 * ```ts
 * const { service, name } = await loadService("examples/sum/app.ts");
 * const { service: api } = await loadService("dist/app.js:createApp()");
 * ```
 */
export async function loadService(spec: string, options: LoadOptions = {}): Promise<LoadedService> {
  const parsed = parseSpec(spec);
  const cwd = options.cwd ?? process.cwd();
  const url = resolveModule(parsed.module, cwd);
  if (TS_EXTENSIONS.has(extname(new URL(url).pathname))) await registerTsx(cwd);
  let namespace: Record<string, unknown>;
  try {
    namespace = esModuleOf((await import(url)) as Record<string, unknown>);
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw new LoadError(await describeImportFailure(error, parsed.module, url, cwd, options.development === true), { cause: error });
  }
  const exportName = parsed.exportName ?? "default";
  const name = `${parsed.module}:${exportName}${parsed.call ? "()" : ""}`;
  if (!(exportName in namespace) || namespace[exportName] === undefined) {
    const what = parsed.exportName === undefined ? "has no default export" : `has no export ${JSON.stringify(exportName)}`;
    throw new LoadError(`${parsed.module} ${what}; ${exportList(namespace)} (name one: ${parsed.module}:NAME)`);
  }
  try {
    const service = await toService(namespace[exportName], { callFactory: parsed.call, name });
    return { service, name };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (parsed.call) throw new LoadError(`calling ${name} failed: ${detail}`, { cause: error });
    if (error instanceof TypeError) throw new LoadError(detail, { cause: error });
    throw error;
  }
}
