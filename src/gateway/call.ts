/** Calling an app the way every server does: errors become replies, and are logged. @module */
import type { App, Env, Reply } from "../contract.js";
import { errorReply, errorStatus } from "../errors.js";

function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null
    && Number.isInteger((value as Reply).status) && Array.isArray((value as Reply).headers);
}

/**
 * Calls `app(env)`. A throw, a rejection or a value that is not a reply becomes an error reply
 * (500 unless the error carries its own status); server errors are logged with their stack to
 * `tsgi.errors`. The stack reaches the client only when `development` is true.
 */
export async function callApp(app: App, env: Env, development = false): Promise<Reply> {
  let error: unknown;
  try {
    const reply = await app(env);
    if (isReply(reply)) return reply;
    error = new TypeError(`the app returned ${reply === null ? "null" : typeof reply} instead of a reply {status, headers, body}`);
  } catch (thrown) {
    error = thrown;
  }
  if (errorStatus(error) >= 500) {
    const stack = error instanceof Error ? error.stack ?? error.message : String(error);
    env["tsgi.errors"].write(`tsgi: ${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO}: ${stack}`);
  }
  return errorReply(error, development);
}
