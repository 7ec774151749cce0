/**
 * `tsgi bundle MODULE[:EXPORT] -o FILE`: one executable file (a `#!/usr/bin/env node` CommonJS bundle of
 * the app and the CGI runner) to upload to a shared host's cgi-bin. Uses esbuild (an optional peer dependency).
 * @module
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as Esbuild from "esbuild";
import { parseSpec, resolveModule } from "../server/load.js";
import { optionHelp, parseOptions, type OptionTable } from "./args.js";
import { UsageError } from "./errors.js";

export const BUNDLE_OPTIONS: OptionTable = {
  out: { type: "string", short: "o", value: "FILE", help: "the file to write (default: MODULE's name with .cgi)" },
  minify: { type: "boolean", help: "minify the bundle" },
  development: { type: "boolean", help: "error stacks reach the client (never in production)" },
  conditions: { type: "string", multiple: true, value: "NAME", help: "extra package.json export conditions to resolve with (repeatable)" },
  external: { type: "string", multiple: true, value: "PKG", help: "leave a package out of the bundle (native modules); repeatable" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

export const BUNDLE_USAGE = `Usage: tsgi bundle MODULE[:EXPORT] [-o FILE] [options]

Bundles an app and the CGI runner into ONE executable file with a #!/usr/bin/env node line, for a
shared host's cgi-bin: upload it, chmod +x, done. Needs esbuild (npm i -D esbuild).

Options:
${optionHelp(BUNDLE_OPTIONS)}

Example:
  tsgi bundle src/app.ts -o cgi-bin/app.cgi
`;

/** What to bundle. */
export interface BundleRequest {
  spec: string;
  out: string;
  minify?: boolean;
  development?: boolean;
  conditions?: string[];
  external?: string[];
  cwd?: string;
}

/** The package root of this tsgi install (where its package.json is). */
function ownPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The nearest package.json's "type" for a file, or undefined. */
function packageType(file: string): string | undefined {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: string }).type;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function entrySource(moduleUrl: string, exportName: string, call: boolean, development: boolean): string {
  return [
    `import { runCgi } from "tsgi/cgi";`,
    `import * as entry from ${JSON.stringify(fileURLToPath(moduleUrl))};`,
    `const exported = entry[${JSON.stringify(exportName)}];`,
    `Promise.resolve(${call ? "exported()" : "exported"}).then((target) => runCgi(target, { development: ${development} }));`,
    "",
  ].join("\n");
}

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText: string } | null;
}

const TOP_LEVEL_AWAIT_HINT = "a CGI bundle is CommonJS, which has no top-level await: move the awaited set-up into a factory, "
  + "export default factory(async () => { const config = await load(); return app; }) (factory from \"tsgi\"), "
  + "or export createApp and bundle MODULE:createApp()";

/** esbuild's first error as `FILE:LINE:COLUMN: text`, the line with a caret, and a hint for top-level await. */
function bundleFailure(error: { errors?: EsbuildMessage[]; message: string }, cwd: string): string {
  const first = error.errors?.[0];
  if (first === undefined) return error.message;
  let text = first.text;
  const where = first.location;
  if (where !== null && where !== undefined) {
    const file = relative(cwd, resolve(process.cwd(), where.file)) || where.file;
    text = `${file}:${where.line}:${where.column + 1}: ${text}\n  ${where.line} | ${where.lineText}\n  ${" ".repeat(String(where.line).length)} | ${" ".repeat(where.column)}^`;
  }
  if (/top-level await/i.test(first.text)) text += `\n${TOP_LEVEL_AWAIT_HINT}`;
  return text;
}

/**
 * Writes the bundle and makes it executable. Returns warnings (e.g. a `"type": "module"` scope that
 * would stop Node from running the file).
 */
export async function bundleCgi(request: BundleRequest): Promise<string[]> {
  let esbuild: typeof Esbuild;
  try {
    esbuild = (await import("esbuild")) as typeof Esbuild;
  } catch {
    throw new UsageError("tsgi bundle needs esbuild: npm i -D esbuild");
  }
  const cwd = request.cwd ?? process.cwd();
  const spec = parseSpec(request.spec);
  const moduleUrl = resolveModule(spec.module, cwd);
  const root = ownPackageRoot();
  const out = resolve(cwd, request.out);
  const result = await esbuild.build({
    stdin: { contents: entrySource(moduleUrl, spec.exportName ?? "default", spec.call, request.development === true), resolveDir: cwd, sourcefile: "tsgi-cgi-entry.js", loader: "js" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile: out,
    write: false,
    minify: request.minify === true,
    legalComments: "none",
    conditions: request.conditions ?? [],
    external: request.external ?? [],
    // "tsgi/cgi" resolves from the app's project; else from this install of tsgi.
    nodePaths: basename(root) === "tsgi" ? [dirname(root)] : [],
    banner: { js: `#!/usr/bin/env node\n// ${basename(out)}: ${spec.module} as a CGI script, bundled by tsgi bundle. Do not edit; rebuild it.` },
    logLevel: "silent",
  }).catch((error: { errors?: EsbuildMessage[]; message: string }) => {
    throw new UsageError(`bundling ${spec.module} failed: ${bundleFailure(error, cwd)}`);
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new UsageError(`bundling ${spec.module} produced no output`);
  writeFileSync(out, file.contents);
  chmodSync(out, 0o755);
  const warnings: string[] = [];
  const ext = extname(out);
  if (packageType(out) === "module" && ext !== ".cjs") {
    warnings.push(`${out} is inside a "type": "module" package: Node will not run it as CommonJS. Put a package.json with {"type": "commonjs"} beside it, or name it .cjs`);
  }
  return warnings;
}

/** Runs `tsgi bundle`. */
export async function bundleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, BUNDLE_OPTIONS, "bundle");
  if (values.help === true) {
    process.stdout.write(BUNDLE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("tsgi bundle needs the app: tsgi bundle MODULE[:EXPORT] -o FILE (tsgi bundle --help)");
  const spec = positionals[0] as string;
  const module = parseSpec(spec).module;
  const out = typeof values.out === "string" ? values.out : join(dirname(module), basename(module, extname(module)) + ".cgi");
  const warnings = await bundleCgi({
    spec,
    out,
    minify: values.minify === true,
    development: values.development === true,
    conditions: (values.conditions as string[] | undefined) ?? [],
    external: (values.external as string[] | undefined) ?? [],
  });
  for (const warning of warnings) process.stderr.write(`tsgi: warning: ${warning}\n`);
  process.stderr.write(`tsgi: wrote ${out}\n`);
  return 0;
}
