/** Option parsing on node:util `parseArgs`, with errors that list the valid options. @module */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";

/** One option: its parseArgs shape plus help text. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Shown in help: `--bind HOST:PORT`. */
  value?: string;
  help: string;
}

export type OptionTable = Record<string, OptionSpec>;

/** The parsed options and positionals. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

function optionNames(table: OptionTable): string {
  return Object.keys(table).map((name) => `--${name}`).join(", ");
}

/** Parses argv strictly; an unknown option or a missing value is a UsageError naming the valid options. */
export function parseOptions(argv: string[], table: OptionTable, command: string): Parsed {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, spec] of Object.entries(table)) {
    options[name] = { type: spec.type, ...(spec.short !== undefined ? { short: spec.short } : {}), ...(spec.multiple === true ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Parsed["values"], positionals };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const option = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown option ${option} for tsgi ${command}; valid options: ${optionNames(table)} (tsgi ${command} --help)`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      throw new UsageError(`${message.replace(/\.$/, "")} (tsgi ${command} --help)`);
    }
    throw new UsageError(message);
  }
}

/** A whole number option (e.g. `--workers 4`), or a UsageError. */
export function integerOption(values: Parsed["values"], name: string, min: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`--${name} must be a whole number >= ${min}; got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A duration in seconds (`--grace 10`, `--timeout 2.5`) as milliseconds, or a UsageError. */
export function secondsOption(values: Parsed["values"], name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`--${name} takes seconds, e.g. --${name} 30; got ${JSON.stringify(text)}`);
  return Math.round(Number(text) * 1000);
}

/** Help lines for an option table. */
export function optionHelp(table: OptionTable): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const flag = `${spec.short !== undefined ? `-${spec.short}, ` : "    "}--${name}${spec.value !== undefined ? ` ${spec.value}` : ""}`;
    return `  ${flag.padEnd(34)} ${spec.help}`;
  });
  return rows.join("\n");
}
