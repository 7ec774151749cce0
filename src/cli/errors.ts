/** Command-line mistakes: one line, a non-zero exit. @module */

/** A usage error: printed as `tsgi: <message>` with exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
}

/** Errors whose message is meant for people as it is (no stack). */
const PLAIN = new Set(["UsageError", "LoadError", "ServeError", "ListenError", "RangeError"]);

/** The one line to print for an error; the stack too when `development` is set and the error is unexpected. */
export function describeError(error: unknown, development: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (PLAIN.has(error.name) || error.message.startsWith("cannot parse bind")) return error.message;
  return development ? error.stack ?? error.message : `${error.message} (run with --development for the stack)`;
}

/** The exit code for an error: 2 for usage errors, 1 otherwise. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? 2 : 1;
}
