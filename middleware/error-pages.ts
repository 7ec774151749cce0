/**
 * `tsgi/middleware/error-pages`: turns thrown errors (and, optionally, empty error replies) into pages
 * in the format the client asked for: HTML for browsers, JSON for APIs, plain text otherwise. 5xx
 * errors are logged with their stack to `tsgi.errors`; the client sees the message only when the error
 * says `expose` (an HttpError below 500 does), and the stack only in development.
 *
 * @example
 * ```ts
 * import { errorPages } from "tsgi/middleware/error-pages";
 * export default errorPages({ render: ({ status, message }) => myTemplate(status, message) })(app);
 * ```
 * @module
 */
import { errorReply, reasonPhrase, type App, type Env, type HeaderList, type Middleware, type Reply } from "tsgi";
import { getHeader, withoutHeader } from "./lib/headers.js";

/** What a custom renderer gets. */
export interface ErrorInfo {
  status: number;
  /** Safe to show: the exposed message, or the reason phrase. */
  message: string;
  /** The stack, in development only. */
  detail: string | undefined;
  /** The request id, when `requestId()` runs outside. */
  requestId: string | undefined;
  env: Env;
}

/** Options for {@link errorPages}. */
export interface ErrorPagesOptions {
  /** Show stacks to the client. Default false. */
  development?: boolean;
  /** Also dress error replies (status >= 400) the app returned with an empty body. Default true. */
  replaceEmpty?: boolean;
  /**
   * Also dress error replies with a short `text/plain` body — the 403 of `csrf()`, the 429 of
   * `rateLimit()` and `formLogin`, a guard's 401, a framework app's default 404 and 500 — for clients
   * that asked for HTML or JSON; their text becomes the message. Plain-text clients get them as they
   * were. Default false.
   */
  replaceText?: boolean;
  /** Renders the HTML page; return undefined for the built-in one. */
  render?: (info: ErrorInfo) => string | undefined;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function prefers(env: Env): "html" | "json" | "text" {
  const accept = env.HTTP_ACCEPT ?? "";
  if (/\btext\/html\b/i.test(accept)) return "html";
  if (/\bapplication\/(?:[\w.+-]+\+)?json\b/i.test(accept)) return "json";
  return "text";
}

function page(info: ErrorInfo, options: ErrorPagesOptions): { type: string; body: string } {
  const kind = prefers(info.env);
  if (kind === "json") {
    return { type: "application/json", body: JSON.stringify({ error: { status: info.status, message: info.message, ...(info.requestId !== undefined ? { request_id: info.requestId } : {}), ...(info.detail !== undefined ? { detail: info.detail } : {}) } }) };
  }
  if (kind === "html") {
    const custom = options.render?.(info);
    const title = `${info.status} ${escapeHtml(reasonPhrase(info.status))}`;
    return {
      type: "text/html; charset=utf-8",
      body: custom ?? `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1>\n<p>${escapeHtml(info.message)}</p>\n${info.requestId !== undefined ? `<p><small>request ${escapeHtml(info.requestId)}</small></p>\n` : ""}${info.detail !== undefined ? `<pre>${escapeHtml(info.detail)}</pre>\n` : ""}</body></html>\n`,
    };
  }
  return { type: "text/plain; charset=utf-8", body: `${info.message}\n${info.detail !== undefined ? "\n" + info.detail + "\n" : ""}` };
}

const PLAIN_LIMIT = 4096;

/** The text of a small whole `text/plain` reply body, trimmed; undefined for anything else. */
function plainText(reply: Reply): string | undefined {
  const type = getHeader(reply.headers, "content-type");
  if (type === undefined || !/^text\/plain\s*(?:;|$)/i.test(type)) return undefined;
  const body = reply.body;
  if (typeof body === "string") return body.length <= PLAIN_LIMIT && body.trim() !== "" ? body.trim() : undefined;
  if (body instanceof Uint8Array && body.byteLength > 0 && body.byteLength <= PLAIN_LIMIT) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(body).trim() || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Catches errors and renders error pages by content negotiation. */
export function errorPages(options: ErrorPagesOptions = {}): Middleware {
  const development = options.development ?? false;
  const replaceEmpty = options.replaceEmpty ?? true;
  const replaceText = options.replaceText ?? false;
  const render = (env: Env, status: number, message: string, detail: string | undefined, headers: HeaderList): Reply => {
    const id = env["tsgi.request_id"];
    const { type, body } = page({ status, message, detail, requestId: typeof id === "string" ? id : undefined, env }, options);
    const kept = withoutHeader(withoutHeader(headers, "content-type"), "content-length");
    return { status, headers: [...kept, ["content-type", type], ["vary", "Accept"]], body: env.REQUEST_METHOD === "HEAD" ? "" : body };
  };
  return (app: App): App => async (env: Env): Promise<Reply> => {
    let reply: Reply;
    try {
      reply = await app(env);
    } catch (error) {
      const plain = errorReply(error, false);
      if (plain.status >= 500) {
        const stack = error instanceof Error ? error.stack ?? error.message : String(error);
        env["tsgi.errors"].write(`tsgi: ${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO}: ${stack}`);
      }
      const message = String(plain.body).trimEnd();
      const detail = development ? (error instanceof Error ? error.stack : String(error)) : undefined;
      return render(env, plain.status, message, detail, plain.headers);
    }
    const empty = reply.body === undefined || reply.body === null || reply.body === "" || (reply.body instanceof Uint8Array && reply.body.byteLength === 0);
    if (replaceEmpty && reply.status >= 400 && empty && getHeader(reply.headers, "content-type") === undefined) {
      return render(env, reply.status, reasonPhrase(reply.status), undefined, reply.headers);
    }
    if (replaceText && reply.status >= 400) {
      const message = plainText(reply);
      if (message !== undefined && prefers(env) !== "text") return render(env, reply.status, message, undefined, reply.headers);
    }
    return reply;
  };
}
