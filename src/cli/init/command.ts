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

Writes a ready project into DIR (default: the current directory), which must be empty: package.json
with dev/start/test/bundle scripts, a tsconfig for standard decorators, src/app.ts (framework and
middleware) and test/app.test.ts (the test client). Then: cd DIR && npm install && npm run dev

Options:
${optionHelp(INIT_OPTIONS)}

Example:
  tsgi init my-app --tsgi ../tsgi/tsgi-0.1.0.tgz
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
  process.stdout.write(`tsgi: wrote ${result.files.length} files in ${result.dir}\nnext: ${cd}npm install && npm run dev\n`);
  return 0;
}
