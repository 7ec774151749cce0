/** Command-line mistakes: one line, a non-zero exit. @module */

/** A usage error: printed as `tsgi: <message>` with exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
}

/** Errors whose message is meant for people as it is (no stack). */
const PLAIN = new Set(["UsageError", "LoadError", "ServeError", "ListenError", "RangeError", "PoolBootError"]);

/** The one line to print for an error; the stack too when `development` is set and the error is unexpected. */
export function describeError(error: unknown, development: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (PLAIN.has(error.name) || error.message.startsWith("cannot parse bind")) return error.message;
  return development ? error.stack ?? error.message : `${error.message} (run with --development for the stack)`;
}

/**
 * The exit code for an error: its own numeric `exitCode` when it carries one (2 for usage errors,
 * 3 for a pool whose workers cannot boot), 1 otherwise.
 */
export function exitCodeOf(error: unknown): number {
  const code = typeof error === "object" && error !== null ? (error as { exitCode?: unknown }).exitCode : undefined;
  return typeof code === "number" && Number.isInteger(code) && code > 0 && code < 256 ? code : 1;
}
