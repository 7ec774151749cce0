/**
 * Turning what a handler returns into a tsgi reply, and the helpers that build replies.
 * A string or an `html` template is HTML, an object JSON, `null`/`undefined` a 204, bytes octet-stream, an (async)
 * iterator a streamed body, a tsgi Reply or a Fetch Response is passed through.
 * @module
 */
import type { BodyChunk, HeaderList, Reply, ReplyBody } from "../contract.js";
import { streamToIterable } from "../fetch/streams.js";
import { statusForbidsBody } from "../gateway/status.js";
import { html as htmlTag, isHtml, type Html } from "../html/index.js";

const HTML = "text/html; charset=utf-8";
const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json";
const BYTES = "application/octet-stream";

/** Status and headers for the reply helpers. */
export interface ReplyInit {
  status?: number;
  headers?: HeaderList | Record<string, string>;
}

function headerList(type: string | null, init: ReplyInit | undefined): HeaderList {
  const headers: HeaderList = type === null ? [] : [["content-type", type]];
  const extra = init?.headers;
  if (extra === undefined) return headers;
  const pairs = Array.isArray(extra) ? extra : Object.entries(extra);
  for (const [name, value] of pairs) {
    if (type !== null && name.toLowerCase() === "content-type") (headers[0] as [string, string])[1] = value;
    else headers.push([name, value]);
  }
  return headers;
}

/**
 * A JSON reply.
 *
 * @example
 * ```ts
 * return json({ id: 7 }, { status: 201, headers: { location: "/books/7" } });
 * ```
 */
export function json(data: unknown, init?: ReplyInit): Reply {
  return { status: init?.status ?? 200, headers: headerList(JSON_TYPE, init), body: JSON.stringify(data) ?? "null" };
}

/**
 * Two uses. As a tag, the escaping template of `tsgi/html`: ``html`<p>${name}</p>` `` returns
 * {@link Html} (a handler may return it: an HTML reply). Called with markup and an init, an HTML reply
 * with that status and headers.
 *
 * @example
 * ```ts
 * return html`<h1>${title}</h1>`;                              // escaped, 200 text/html
 * return html(html`<h1>No ${title}</h1>`, { status: 404 });     // with a status
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html;
export function html(markup: string | Html, init?: ReplyInit): Reply;
export function html(first: TemplateStringsArray | string | Html, ...rest: unknown[]): Html | Reply {
  if (Array.isArray(first) && Array.isArray((first as unknown as TemplateStringsArray).raw)) return htmlTag(first as TemplateStringsArray, ...rest);
  const init = rest[0] as ReplyInit | undefined;
  return { status: init?.status ?? 200, headers: headerList(HTML, init), body: String(first) };
}

/** A plain-text reply. @example `return text("pong")` */
export function text(body: string, init?: ReplyInit): Reply {
  return { status: init?.status ?? 200, headers: headerList(TEXT, init), body };
}

/**
 * A streamed reply from a (sync or async) iterable of strings or bytes; default type HTML.
 *
 * @example
 * ```ts
 * return stream((async function* () { yield "<ul>"; for await (const row of rows) yield `<li>${row}`; yield "</ul>"; })());
 * ```
 */
export function stream(body: Iterable<BodyChunk> | AsyncIterable<BodyChunk>, init?: ReplyInit & { type?: string }): Reply {
  return { status: init?.status ?? 200, headers: headerList(init?.type ?? HTML, init), body };
}

/**
 * A redirect (302 by default; 301, 303, 307, 308 as given). Relative locations are sent as given:
 * build them with `ctx.urlFor` so they carry the mount prefix.
 *
 * @example
 * ```ts
 * return redirect(ctx.urlFor("book", { isbn }), 303);
 * ```
 */
export function redirect(location: string, status: 301 | 302 | 303 | 307 | 308 = 302): Reply {
  return { status, headers: [["location", safeLocation(location)], ["content-type", TEXT]], body: `Redirecting to ${location}\n` };
}

/** Keeps a path-only location from reading as protocol-relative (`//evil.example`). */
export function safeLocation(location: string): string {
  return location.startsWith("//") || location.startsWith("/\\") ? "/%2F" + location.slice(2) : location;
}

/**
 * A reply with a status and an optional body converted like a handler result (string → HTML,
 * object → JSON). @example `return status(201, { id })`
 */
export function status(code: number, body?: unknown, init?: Omit<ReplyInit, "status">): Reply {
  const reply = toReply(body === undefined ? "" : body, code);
  if (body === undefined || statusForbidsBody(code)) {
    reply.body = undefined;
    reply.headers = reply.headers.filter(([name]) => name !== "content-type");
  }
  if (init?.headers !== undefined) reply.headers.push(...headerList(null, init));
  return reply;
}

/** True for a tsgi reply object. */
export function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null && typeof (value as Reply).status === "number"
    && Array.isArray((value as Reply).headers) && !Array.isArray(value);
}

interface FetchResponseLike {
  status: number;
  headers: { forEach(callback: (value: string, name: string) => void): void; getSetCookie?(): string[] };
  body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Duck-typed, so the global Response (and undici) is never loaded just to check. */
function isFetchResponse(value: object): value is FetchResponseLike {
  const candidate = value as Partial<FetchResponseLike>;
  return typeof candidate.arrayBuffer === "function" && typeof candidate.status === "number"
    && typeof candidate.headers === "object" && candidate.headers !== null && typeof candidate.headers.forEach === "function";
}

function fromFetchResponse(response: FetchResponseLike): Reply {
  const headers: HeaderList = [];
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie?.() ?? []) headers.push(["set-cookie", cookie]);
  const body: ReplyBody = response.body === null ? undefined : streamToIterable(response.body);
  return { status: response.status, headers, body };
}

function isStream(value: object): value is Iterable<BodyChunk> | AsyncIterable<BodyChunk> {
  return Symbol.asyncIterator in value
    || (typeof (value as Iterator<unknown>).next === "function" && Symbol.iterator in value);
}

/**
 * Converts a handler's return value to a reply. `status` (when not 0) replaces the default 200 for
 * plain values; a Reply or Response keeps its own.
 */
export function toReply(result: unknown, status = 0): Reply {
  switch (typeof result) {
    case "string":
      return { status: status || 200, headers: [["content-type", HTML]], body: result };
    case "undefined":
      return { status: status || 204, headers: [] };
    case "object": {
      if (result === null) return { status: status || 204, headers: [] };
      if (isReply(result)) return result;
      if (isHtml(result)) return { status: status || 200, headers: [["content-type", HTML]], body: result.toString() };
      if (result instanceof Uint8Array) return { status: status || 200, headers: [["content-type", BYTES]], body: result };
      if (isFetchResponse(result)) return fromFetchResponse(result);
      if (isStream(result)) return { status: status || 200, headers: [["content-type", HTML]], body: result };
      return { status: status || 200, headers: [["content-type", JSON_TYPE]], body: JSON.stringify(result) };
    }
    case "number":
    case "boolean":
      return { status: status || 200, headers: [["content-type", JSON_TYPE]], body: JSON.stringify(result) };
    case "function":
      throw new TypeError("a handler or mounted app returned a function, not a reply; if it is a middleware (app => app), register it with app.use(mw), a route's or mount's { middleware: [mw] }, or call it with an app first");
    default:
      throw new TypeError(`a handler returned a ${typeof result}; return a string, an object, a Reply, a Response or a stream`);
  }
}
