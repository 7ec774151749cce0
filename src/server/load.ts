/**
 * Loading the app a command line names: `MODULE[:EXPORT]` or `MODULE:EXPORT()` (call the export as a
 * factory, like gunicorn's `module:create_app()`). Used by `tsgi serve`, the pool's workers and the CGI bundle.
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
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

/** The file URL of the module, or a LoadError saying where it looked. */
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
  const hint = existsSync(path) ? `${path} is a directory; name the file, e.g. ${join(module, "app.js")}` : `no file ${path}`;
  throw new LoadError(`cannot load ${JSON.stringify(module)}: ${hint}`);
}

let tsxRegistered: Promise<void> | undefined;

type TsxApi = { register: () => unknown };

/** tsx's ESM API, found beside tsgi or else in the app's own project. */
async function importTsx(cwd: string): Promise<TsxApi> {
  try {
    return (await import("tsx/esm/api")) as TsxApi;
  } catch {
    const manifest = createRequire(join(cwd, "noop.js")).resolve("tsx/package.json");
    return (await import(pathToFileURL(join(dirname(manifest), "dist/esm/api/index.mjs")).href)) as TsxApi;
  }
}

/** Registers tsx's ESM loader once, for `.ts` entry modules (development only). */
function registerTsx(cwd: string): Promise<void> {
  tsxRegistered ??= (async () => {
    let api: TsxApi;
    try {
      api = await importTsx(cwd);
    } catch {
      tsxRegistered = undefined;
      throw new LoadError("install tsx to load .ts, or build to .js (npm i -D tsx; production should run compiled JavaScript)");
    }
    api.register();
  })();
  return tsxRegistered;
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
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof LoadError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new LoadError(`cannot load ${parsed.module}: ${detail.split("\n")[0]}`, { cause: error });
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
