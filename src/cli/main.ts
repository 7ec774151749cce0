/** The `tsgi` command's dispatch table: each subcommand is imported only when it runs. @module */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describeError, exitCodeOf, UsageError } from "./errors.js";

/** A subcommand: argv after its name in, exit code out. */
export type Command = (argv: string[]) => Promise<number | void>;

interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/** The example app `tsgi demo` (and `npm start`) serves: compiled, or the source in a checkout. */
function demoSpec(): string {
  const compiled = fileURLToPath(new URL("../examples/demo.js", import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL("../../examples/demo.ts", import.meta.url));
}

export const COMMANDS: Record<string, CommandEntry> = {
  serve: {
    summary: "serve an app over HTTP, CGI, FastCGI or SCGI (tsgi serve MODULE[:EXPORT])",
    load: async () => (await import("./serve-command.js")).serveCommand,
  },
  bundle: {
    summary: "bundle an app and the CGI runner into one executable file for a shared host",
    load: async () => (await import("./bundle-command.js")).bundleCommand,
  },
  status: {
    summary: "show the status of a running pool (--workers N)",
    load: async () => (await import("../server/pool/status-command.js")).statusCommand as Command,
  },
  demo: {
    summary: "serve the example apps (what npm start runs)",
    load: async () => {
      const { serveCommand } = await import("./serve-command.js");
      return (argv) => serveCommand([demoSpec(), ...argv]);
    },
  },
};

export const USAGE = `Usage: tsgi COMMAND [options]

Commands:
${Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(8)} ${entry.summary}`).join("\n")}
  help     show this help, or a command's: tsgi help serve

Run tsgi COMMAND --help for its options. Docs: docs/cli.md
`;

/**
 * Runs the command line; resolves with the exit code. Mistakes print one line to stderr.
 *
 * @example
 * ```ts
 * process.exitCode = await main(["serve", "dist/app.js", "--bind", "127.0.0.1:8000"]);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const development = argv.includes("--development");
  try {
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      const topic = name === "help" ? rest[0] : undefined;
      if (topic !== undefined && COMMANDS[topic] !== undefined) return (await (await COMMANDS[topic].load())(["--help"])) ?? 0;
      process.stdout.write(USAGE);
      return name === undefined ? 2 : 0;
    }
    const entry = COMMANDS[name];
    if (entry === undefined) {
      throw new UsageError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(", ")}, help`);
    }
    return (await (await entry.load())(rest)) ?? 0;
  } catch (error) {
    process.stderr.write(`tsgi: ${describeError(error, development)}\n`);
    return exitCodeOf(error);
  }
}
