/** Command-line mistakes and how any error is printed: by its type, never by its text. @module */
import { isPlainError, TsgiError } from "../server/errors.js";

/** A usage error: printed as `tsgi: <message>` with exit code 2. */
export class UsageError extends TsgiError {
  override readonly name = "UsageError";
  override readonly exitCode = 2;
}

/**
 * The one line to print for an error: the message as it is for a {@link TsgiError} meant for people;
 * for anything unexpected, the stack with `development`, else the message and how to see the stack.
 */
export function describeError(error: unknown, development: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (isPlainError(error)) return error.message;
  return development ? error.stack ?? error.message : `${error.message} (run with --development for the stack)`;
}

/**
 * The exit code for an error: a {@link TsgiError}'s own (2 for usage mistakes, 3 for a pool whose
 * workers cannot boot), 1 for anything else.
 */
export function exitCodeOf(error: unknown): number {
  return error instanceof TsgiError ? error.exitCode : 1;
}
