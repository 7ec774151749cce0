#!/usr/bin/env node
/**
 * The `tsgi` command: `tsgi serve MODULE[:EXPORT]`, `tsgi bundle`, `tsgi status`, `tsgi help`.
 * Each subcommand loads lazily; see docs/cli.md.
 * @module
 */
import { main } from "./cli/main.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`tsgi: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
