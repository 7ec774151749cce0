#!/usr/bin/env node
/**
 * The `tsgi` command: `tsgi serve MODULE[:EXPORT]`, `tsgi init`, `tsgi bundle`, `tsgi status`, `tsgi demo`, `tsgi help`, `tsgi --version`.
 * Each subcommand loads lazily; see docs/cli.md.
 * @module
 */
import { main } from "./cli/main.js";

/** Once a command is done, whatever still holds the event loop (an app's stray timer or socket) gets this long. */
const LINGER_MS = 1000;

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(), LINGER_MS).unref();
}, (error: unknown) => {
  process.stderr.write(`tsgi: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
  setTimeout(() => process.exit(), LINGER_MS).unref();
});
