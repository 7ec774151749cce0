/**
 * The errors starting a server can end in. Each says whether its message is meant for people as it is
 * (one line naming the fix, no stack needed) and which exit code a command line should end with, so the
 * CLI decides by type, never by matching names or message text.
 * @module
 */

/**
 * An error whose message names the fix. `plain`: print the message as it is (no stack);
 * `exitCode`: what `tsgi` exits with (1 unless a subclass says otherwise).
 *
 * @example
 * ```ts
 * try { await serve("app.js") } catch (error) {
 *   if (error instanceof TsgiError && error.plain) console.error(error.message);
 * }
 * ```
 */
export class TsgiError extends Error {
  /** True: the message is complete for people; a stack adds nothing. */
  readonly plain: boolean = true;
  /** The process exit code a command should end with. */
  readonly exitCode: number = 1;
}

/** A `--bind` value that is not `HOST:PORT`, `[IPV6]:PORT`, `:PORT`, `unix:PATH` or `fd:N`. Exit code 2, like a usage mistake. */
export class BindError extends TsgiError {
  override readonly name = "BindError";
  override readonly exitCode = 2;
}

/** A server could not listen: `code` is Node's (`EADDRINUSE`, `EACCES`...), the message names the fix. */
export class ListenError extends TsgiError {
  override readonly name = "ListenError";
  constructor(message: string, readonly code: string | undefined, options?: { cause: unknown }) {
    super(message, options);
  }
}

/** The app a spec names could not be loaded (no file, no such export, a factory that threw). */
export class LoadError extends TsgiError {
  override readonly name = "LoadError";
}

/** `serve()` was given options that do not go together (`workers > 1` with CGI...). */
export class ServeError extends TsgiError {
  override readonly name = "ServeError";
}

/** A pool option out of range (`statusPath` without a leading `/`, a negative timeout...). */
export class PoolOptionError extends TsgiError {
  override readonly name = "PoolOptionError";
}

/** A server option out of range (`maxHeaders: 0`, `paramsTimeoutMs` past what a timer can wait...). */
export class ServerOptionError extends TsgiError {
  override readonly name = "ServerOptionError";
}

/** The pool could not start: workers kept failing to boot. `exitCode` is 3, as gunicorn's for the same. */
export class PoolBootError extends TsgiError {
  override readonly name = "PoolBootError";
  override readonly exitCode = 3;
}

/** True when `error` carries a message meant for people as it is. */
export function isPlainError(error: unknown): error is TsgiError {
  return error instanceof TsgiError && error.plain;
}
