/** The `tsgi` command's dispatch table: each subcommand is imported only when it runs. @module */
import { existsSync, readFileSync } from "node:fs";
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
  init: {
    summary: "write a ready project: package.json scripts, tsconfig, an app and its test (tsgi init [DIR])",
    load: async () => (await import("./init/command.js")).initCommand,
  },
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
      const { serveCommand, SERVE_OPTIONS } = await import("./serve-command.js");
      const { optionHelp } = await import("./args.js");
      return (argv) => {
        if (argv.includes("--help") || argv.includes("-h")) {
          process.stdout.write(`Usage: tsgi demo [options]\n\nServes the example apps (examples/demo.ts), what npm start runs; in a clone of the\nrepository only. It takes the options of tsgi serve.\n\nOptions:\n${optionHelp(SERVE_OPTIONS)}\n`);
          return Promise.resolve(0);
        }
        return serveCommand([demoSpec(), ...argv]);
      };
    },
  },
};

/** This tsgi's version, from its package.json (two folders up from src/cli/ and from dist/cli/). */
export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return manifest.version ?? "unknown";
}

export const USAGE = `Usage: tsgi COMMAND [options]

Commands:
${Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(8)} ${entry.summary}`).join("\n")}
  help     show this help, or a command's: tsgi help serve

Options: --version (-V) prints the version; --help (-h) this help.

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
    if (name === "--version" || name === "-V" || name === "version") {
      process.stdout.write(`tsgi ${version()}\n`);
      return 0;
    }
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
