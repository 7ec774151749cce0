/** `tsgi init [DIR]`: argv in, a scaffolded project out (see {@link initProject}). @module */
import { optionHelp, parseOptions, type OptionTable } from "../args.js";
import { UsageError } from "../errors.js";
import { initProject } from "./index.js";

export const INIT_OPTIONS: OptionTable = {
  tsgi: { type: "string", value: "SPEC", help: "how the project depends on tsgi: a version range, a .tgz path or a git URL (default: ^ this version)" },
  name: { type: "string", value: "NAME", help: "the package name (default: the directory's name)" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

export const INIT_USAGE = `Usage: tsgi init [DIR] [options]

Writes a ready project into DIR (default: the current directory): package.json with dev/start/test/bundle
scripts, a tsconfig for standard decorators, src/app.ts (framework and middleware) and test/app.test.ts
(the test client). Then: cd DIR && npm install && npm run dev

DIR may be new or empty, or an existing project (one with a package.json, e.g. from npm init -y, in any
module type): init keeps its "type" and fields, adds only missing scripts and dependencies, writes only
absent files, and refuses (writing nothing) if it would overwrite one.

Options:
${optionHelp(INIT_OPTIONS)}

Examples:
  tsgi init my-app --tsgi ../tsgi/tsgi-0.1.0.tgz
  npm init -y && npm install ../tsgi/tsgi-0.1.0.tgz && npx tsgi init
`;

/**
 * The `tsgi init` command; resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await initCommand(["my-app"]);
 * ```
 */
export async function initCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, INIT_OPTIONS, "init");
  if (values.help === true) {
    process.stdout.write(INIT_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`tsgi init takes one directory, got ${positionals.length}: tsgi init [DIR] (tsgi init --help)`);
  const dir = positionals[0] ?? ".";
  const result = await initProject(dir, {
    ...(typeof values.tsgi === "string" ? { tsgi: values.tsgi } : {}),
    ...(typeof values.name === "string" ? { name: values.name } : {}),
  });
  const quoted = /^[\w./-]+$/.test(dir) ? dir : `'${dir.replace(/'/g, "'\\''")}'`;
  const cd = dir === "." ? "" : `cd ${quoted} && `;
  const out = [`tsgi: wrote ${result.files.length} files in ${result.dir}${result.existing && result.files.length > 0 ? ` (${result.files.join(", ")})` : ""}`];
  if (result.existing) {
    out.push(`tsgi: package.json: ${result.added.length === 0 ? "nothing to add" : `added ${result.added.join(", ")}`}`);
    if (result.kept.length > 0) out.push(`tsgi: kept yours (init never overwrites them): ${result.kept.join(", ")}`);
  }
  out.push(`next: ${cd}npm install && npm run dev`);
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}
