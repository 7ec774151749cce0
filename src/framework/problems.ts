/**
 * Error replies: RFC 9457 problem details for validation and API errors, the development error
 * page, and the plain-text fallback every server uses.
 * @module
 */
import type { Env, Reply } from "../contract.js";
import { HttpError, errorReply, errorStatus } from "../errors.js";
import { reasonPhrase } from "../gateway/status.js";

/** One invalid input field, as listed in a problem's `invalid-params` (RFC 9457 §3's example member). */
export interface InvalidParam {
  /** Where the field was: `params`, `query`, `headers`, `cookies` or `body`. */
  in: string;
  /** The field's path, dotted (`address.zip`, `items.0.qty`); "" for the whole part. */
  name: string;
  /** What is wrong, from the schema. */
  reason: string;
}

/**
 * Invalid request input: a 400 whose reply is `application/problem+json` naming each bad field.
 *
 * @example
 * ```ts
 * throw new ValidationError([{ in: "query", name: "page", reason: "expected a number" }]);
 * ```
 */
export class ValidationError extends HttpError {
  readonly invalid: InvalidParam[];

  constructor(invalid: InvalidParam[], cause?: unknown) {
    const fields = invalid.map((item) => (item.name === "" ? item.in : `${item.in}.${item.name}`));
    const detail = invalid.length === 1 && invalid[0]?.name === "" ? `: ${invalid[0].reason}` : "";
    super(400, `invalid request input: ${[...new Set(fields)].join(", ")}${detail}`, { expose: true, cause });
    this.name = "ValidationError";
    this.invalid = invalid;
  }
}

/** The RFC 9457 document for an error (the detail only when the error may be exposed). */
export function problemDocument(error: unknown, instance?: string): Record<string, unknown> {
  const status = errorStatus(error);
  const carrier = error as { expose?: unknown; message?: unknown } | null;
  const document: Record<string, unknown> = { type: "about:blank", title: reasonPhrase(status), status };
  if (carrier !== null && typeof carrier === "object" && carrier.expose === true && typeof carrier.message === "string") document.detail = carrier.message;
  if (instance !== undefined) document.instance = instance;
  if (error instanceof ValidationError) document["invalid-params"] = error.invalid;
  return document;
}

function wantsJson(env: Env): boolean {
  const accept = env.HTTP_ACCEPT;
  return accept !== undefined && (accept.includes("application/json") || accept.includes("application/problem+json") || accept.includes("+json"));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The development error page: message and stack as HTML. Only ever served with `development` on. */
export function developmentPage(error: unknown, env: Env): string {
  const status = errorStatus(error);
  const stack = error instanceof Error ? error.stack ?? error.message : String(error);
  const title = `${status} ${reasonPhrase(status)}`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(env.REQUEST_METHOD)} ${escapeHtml(env.SCRIPT_NAME + env.PATH_INFO)}</p>
<pre>${escapeHtml(stack)}</pre><p>This page appears because the app runs with <code>development: true</code>; production never shows it.</p></body></html>
`;
}

/**
 * The reply for an error no hook answered: problem+json for validation errors, for clients that
 * accept JSON and whenever `json` is set (a JSON route or API app), the development page for server
 * errors in development, plain text otherwise. Server errors are logged with their stack to `tsgi.errors`.
 */
export function renderError(error: unknown, env: Env, development: boolean, json = false): Reply {
  const status = errorStatus(error);
  if (status >= 500) {
    const stack = error instanceof Error ? error.stack ?? error.message : String(error);
    env["tsgi.errors"].write(`tsgi framework: ${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO}: ${stack}`);
    if (development && !json && !wantsJson(env)) return { status, headers: [["content-type", "text/html; charset=utf-8"]], body: developmentPage(error, env) };
  }
  if (json || error instanceof ValidationError || wantsJson(env)) {
    const headers: Array<[string, string]> = [["content-type", "application/problem+json"]];
    if (error instanceof HttpError) headers.push(...error.headers);
    const document = problemDocument(error);
    if (development && status >= 500) document.detail = error instanceof Error ? error.stack ?? error.message : String(error);
    return { status, headers, body: JSON.stringify(document) };
  }
  return errorReply(error, false);
}
