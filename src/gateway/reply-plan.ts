/**
 * The reply plan: every decision about what goes on the wire for a reply, made once, sans I/O, for
 * every server (HTTP, CGI, FastCGI, SCGI, the pool and the Fetch bridge). A server only turns the plan
 * into bytes: a status line or a CGI `Status:` head, then the whole body or the stream.
 *
 * Rules (docs/spec.md states them):
 * - status: an integer 200–599; anything else is not a final reply.
 * - headers: names are tokens, values pass {@link valueProblem}; no `Status` field; at most one
 *   decimal `Content-Length`, equal to a whole body's length. Hop-by-hop fields are dropped: framing is
 *   the server's.
 * - body: none for HEAD (the headers stay those of GET), 1xx, 204 and 304; 204 loses any
 *   Content-Length; a whole body gets a Content-Length; a stream is framed by the server.
 * An invalid reply becomes a 500 plan whose `problem` says why, for the server's log.
 * @module
 */
import type { BodyChunk, HeaderList, Reply, ReplyBody } from "../contract.js";
import { headerProblem, isToken, valueClass } from "./header-check.js";
import { reasonPhrase } from "./status.js";

/** A streamed body. */
export type BodyStream = Iterable<BodyChunk> | AsyncIterable<BodyChunk>;

/** What a server writes for one reply. */
export interface ReplyPlan {
  readonly status: number;
  /** The reason phrase for `status`. */
  readonly reason: string;
  /** Checked fields to write, in order (Content-Length included when the body is whole). */
  readonly headers: HeaderList;
  /** A whole body to send (string as UTF-8), or null when there is none to send or it streams. */
  readonly whole: string | Uint8Array | null;
  /** A body to stream (chunk by chunk, framed by the server), or null. */
  readonly stream: BodyStream | null;
  /** A body the app returned that is not sent (HEAD, 204, an invalid reply): close it. */
  readonly discard: ReplyBody;
  /** Why the app's reply was replaced by this 500; undefined for a valid reply. */
  readonly problem: string | undefined;
  /**
   * True when some header value holds a character from U+0080 to U+00FF. node:http writes a head sent
   * together with a string body in the body's encoding (UTF-8); such a head must go out on its own.
   */
  readonly latin1Head: boolean;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);
const SERVER_ERROR_TEXT = "Internal Server Error\n";
const TEXT_PLAIN = "text/plain; charset=utf-8";

const encoder = new TextEncoder();
interface NodeBuffer extends Uint8Array {
  latin1Write(text: string, offset: number): number;
  utf8Write(text: string, offset: number): number;
}
const nodeBuffer = (globalThis as unknown as { Buffer?: { byteLength(text: string): number; allocUnsafe(size: number): NodeBuffer } }).Buffer;

/** The UTF-8 length of a string or the length of bytes. */
export function byteLength(body: string | Uint8Array): number {
  if (typeof body !== "string") return body.byteLength;
  return nodeBuffer !== undefined ? nodeBuffer.byteLength(body) : encoder.encode(body).byteLength;
}

function isStream(body: ReplyBody): body is BodyStream {
  return typeof body === "object" && body !== null && !(body instanceof Uint8Array)
    && (typeof (body as Iterable<BodyChunk>)[Symbol.iterator] === "function" || typeof (body as AsyncIterable<BodyChunk>)[Symbol.asyncIterator] === "function");
}

function bodyProblem(body: unknown): string | undefined {
  if (body === null || body === undefined || typeof body === "string" || body instanceof Uint8Array) return undefined;
  if (isStream(body as ReplyBody)) return undefined;
  const what = body instanceof ArrayBuffer ? "an ArrayBuffer (wrap it: new Uint8Array(buffer))" : typeof body === "object" ? "an object that is not iterable" : `a ${typeof body}`;
  return `the body is ${what}; return a string, a Uint8Array or an (async) iterable of them`;
}

function plan(status: number, headers: HeaderList, whole: string | Uint8Array | null, stream: BodyStream | null, discard: ReplyBody, problem: string | undefined, latin1Head = false): ReplyPlan {
  return { status, reason: reasonPhrase(status), headers, whole, stream, discard, problem, latin1Head };
}

/** Lengths of the names the plan treats specially: te, status, upgrade/trailer, connection/keep-alive, content-length, proxy-connection, transfer-encoding. */
function special(length: number): boolean {
  return length === 2 || length === 6 || length === 7 || length === 10 || length === 14 || length === 16 || length === 17;
}

/**
 * The plan of a plain-text reply to an error: `500 Internal Server Error` (or the status given), the
 * text only in development. Used for invalid replies and for apps that throw.
 *
 * @example
 * ```ts
 * errorPlan("the app threw: boom", "GET") // status 500, body "Internal Server Error\n"
 * ```
 */
export function errorPlan(problem: string, method: string, development = false, discard: ReplyBody = undefined, detail?: string): ReplyPlan {
  const text = development ? (detail ?? problem) + "\n" : SERVER_ERROR_TEXT;
  const headers: HeaderList = [["content-type", TEXT_PLAIN], ["content-length", String(byteLength(text))]];
  return plan(500, headers, method === "HEAD" ? null : text, null, discard, problem);
}

function invalid(problem: string, reply: Reply, method: string, development: boolean): ReplyPlan {
  return errorPlan(`the reply is invalid: ${problem}`, method, development, reply.body);
}

/**
 * Checks a reply and decides what to send for a request `method`. Never throws: an invalid reply
 * gives the 500 plan with `problem` set (log it once; the body in `discard` is closed by the caller).
 *
 * @example
 * ```ts
 * const plan = planReply({ status: 200, headers: [], body: "hi" }, "GET");
 * // plan.headers: [["content-length", "2"]], plan.whole: "hi"
 * ```
 */
export function planReply(reply: Reply, method: string, development = false): ReplyPlan {
  const status = reply.status;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    const hint = Number.isInteger(status) && status >= 100 && status < 200 ? " (a 1xx status cannot be a final reply)" : "";
    return invalid(`status ${String(status)} is not an integer from 200 to 599${hint}`, reply, method, development);
  }
  const list = reply.headers;
  let headers = list;
  let lengthValue: string | undefined;
  let copied = false;
  const known = lookup(list);
  const plain = known !== undefined && unchanged(known, list);
  let latin1Head = plain && known.latin1;
  for (let i = plain ? list.length : 0; i < list.length; i++) {
    const pair = list[i];
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      return invalid(`header ${i} is not a [name, value] pair of strings`, reply, method, development);
    }
    const name = pair[0];
    const value = pair[1];
    const kind = valueClass(value);
    if (kind !== 0 || !isToken(name)) {
      const problem = headerProblem(name, value);
      if (problem !== undefined) return invalid(problem, reply, method, development);
      if (kind === 2) latin1Head = true;
    }
    const lower = special(name.length) ? name.toLowerCase() : "";
    if (lower === "content-length") {
      if (lengthValue !== undefined) return invalid("more than one content-length header", reply, method, development);
      if (!/^[0-9]{1,15}$/.test(pair[1])) return invalid(`content-length ${JSON.stringify(pair[1])} is not a decimal number`, reply, method, development);
      lengthValue = pair[1];
    } else if (lower === "status") {
      return invalid("a Status header; set reply.status instead", reply, method, development);
    } else if (lower !== "" && HOP_BY_HOP.has(lower)) {
      if (!copied) {
        headers = list.slice(0, i);
        copied = true;
      }
      continue;
    }
    if (copied) headers.push(pair);
  }
  const entry = plain ? known : !copied && lengthValue === undefined ? remember(list, latin1Head) : undefined;
  const body = reply.body;
  const wrongBody = bodyProblem(body);
  if (wrongBody !== undefined) return invalid(wrongBody, reply, method, development);
  const head = method === "HEAD";
  if (status === 204 || status === 304) {
    if (status === 204 && lengthValue !== undefined) headers = headers.filter(([name]) => name.toLowerCase() !== "content-length");
    return plan(status, headers, null, null, body, undefined, latin1Head);
  }
  if (isStream(body)) {
    return head ? plan(status, headers, null, null, body, undefined, latin1Head) : plan(status, headers, null, body, undefined, undefined, latin1Head);
  }
  if (body === null || body === undefined) {
    if (head || lengthValue !== undefined) return plan(status, headers, null, null, undefined, undefined, latin1Head);
    return plan(status, withLength(headers, copied, 0), null, null, undefined, undefined, latin1Head);
  }
  const length = byteLength(body);
  if (lengthValue !== undefined) {
    if (Number(lengthValue) !== length) {
      return invalid(`content-length says ${lengthValue} but the body has ${length} bytes; drop the header and let the server count`, reply, method, development);
    }
    return plan(status, headers, head ? null : body, null, undefined, undefined, latin1Head);
  }
  return plan(status, entry !== undefined ? sized(entry, list, length) : withLength(headers, copied, length), head ? null : body, null, undefined, undefined, latin1Head);
}

/**
 * The last header list checked and found plain (valid, with no Content-Length, Status or hop-by-hop
 * field). Apps often return the same module-level list on every request: it is then checked once, and its
 * copy with a Content-Length is kept for the last length seen. One slot, no per-request allocation (a
 * WeakMap of every fresh list costs more in GC than the checks it saves); a list changed since, or another
 * list, is checked again.
 */
interface CheckedList {
  list: HeaderList | undefined;
  /** The last plain list seen once; it is snapshotted when it comes again. */
  seen: HeaderList | undefined;
  snapshot: string[];
  latin1: boolean;
  length: number;
  withLength: HeaderList | undefined;
}

const last: CheckedList = { list: undefined, seen: undefined, snapshot: [], latin1: false, length: -1, withLength: undefined };

function lookup(list: HeaderList): CheckedList | undefined {
  return last.list === list ? last : undefined;
}

function remember(list: HeaderList, latin1: boolean): CheckedList | undefined {
  if (last.seen !== list) {
    // First sight: most apps build a new list per reply; only a list seen twice is worth a snapshot.
    last.seen = list;
    return undefined;
  }
  const snapshot = last.snapshot;
  snapshot.length = 0;
  for (let i = 0; i < list.length; i++) {
    const pair = list[i] as [string, string];
    snapshot.push(pair[0], pair[1]);
  }
  last.list = list;
  last.latin1 = latin1;
  last.length = -1;
  last.withLength = undefined;
  return last;
}

function unchanged(entry: CheckedList, list: HeaderList): boolean {
  const snapshot = entry.snapshot;
  if (snapshot.length !== list.length * 2) return false;
  for (let i = 0; i < list.length; i++) {
    const pair = list[i] as [string, string];
    if (pair[0] !== snapshot[2 * i] || pair[1] !== snapshot[2 * i + 1]) return false;
  }
  return true;
}

function sized(entry: CheckedList, list: HeaderList, length: number): HeaderList {
  if (entry.length !== length || entry.withLength === undefined) {
    entry.withLength = withLength(list, false, length);
    entry.length = length;
  }
  return entry.withLength;
}
function withLength(headers: HeaderList, owned: boolean, length: number): HeaderList {
  const out = owned ? headers : headers.slice();
  out.push(["content-length", String(length)]);
  return out;
}

/**
 * The CGI response head of a plan (RFC 3875 §6): `Status: 200 OK`, each field, the blank line. Written
 * as Latin-1, the same bytes node:http writes for a status line's fields.
 *
 * @example
 * ```ts
 * cgiHeadText(planReply({ status: 404, headers: [], body: "" }, "GET")) // "Status: 404 Not Found\r\ncontent-length: 0\r\n\r\n"
 * ```
 */
export function cgiHeadText(plan: ReplyPlan): string {
  let head = "Status: " + plan.status + " " + plan.reason + "\r\n";
  const headers = plan.headers;
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i] as [string, string];
    head += pair[0] + ": " + pair[1] + "\r\n";
  }
  return head + "\r\n";
}

/**
 * The CGI response of a whole reply as one byte array: {@link cgiHeadText} as Latin-1 (the plan checked
 * that every character fits one byte), then the body (a string as UTF-8). What the CGI runner and the
 * SCGI server write.
 *
 * @example
 * ```ts
 * const plan = planReply({ status: 200, headers: [], body: "hi" }, "GET");
 * cgiReplyBytes(plan, plan.whole) // bytes of "Status: 200 OK\r\ncontent-length: 2\r\n\r\nhi"
 * ```
 */
export function cgiReplyBytes(plan: ReplyPlan, body: string | Uint8Array | null): Uint8Array {
  const head = cgiHeadText(plan);
  if (nodeBuffer !== undefined) {
    const bodyLength = body === null ? 0 : typeof body === "string" ? nodeBuffer.byteLength(body) : body.byteLength;
    const out = nodeBuffer.allocUnsafe(head.length + bodyLength);
    out.latin1Write(head, 0);
    if (typeof body === "string") out.utf8Write(body, head.length);
    else if (body !== null) out.set(body, head.length);
    return out;
  }
  const bytes = body === null ? null : typeof body === "string" ? encoder.encode(body) : body;
  const out = new Uint8Array(head.length + (bytes === null ? 0 : bytes.byteLength));
  for (let i = 0; i < head.length; i++) out[i] = head.charCodeAt(i);
  if (bytes !== null) out.set(bytes, head.length);
  return out;
}
