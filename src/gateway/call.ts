/** Calling an app from code that is not a server (tests, tools): errors become replies. @module */
import type { App, Env, Reply } from "../contract.js";
import { invoke } from "./invoke.js";

/**
 * Calls `app(env)` and always resolves with a reply: a throw, a rejection or a value that is not a reply
 * becomes an error reply (500 unless the error carries its own status), logged with its stack to
 * `tsgi.errors`. The stack reaches the client only when `development` is true. Servers use
 * {@link invoke}, which logs to the server's log and keeps a synchronous fast path.
 *
 * @example
 * ```ts
 * const reply = await callApp(app, env);
 * ```
 */
export async function callApp(app: App, env: Env, development = false): Promise<Reply> {
  return invoke(app, env, env["tsgi.errors"], development);
}
