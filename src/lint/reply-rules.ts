/** Rules for the reply an app returns, its body chunks, and the app's use of input and errors. @module */
import { nameProblem, valueProblem } from "../gateway/header-check.js";
import type { Rule } from "./rule.js";
import { show } from "./rule.js";

type ReplyRecord = Record<string, unknown>;
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

function headerList(reply: ReplyRecord): Array<[string, string]> {
  return Array.isArray(reply.headers) ? (reply.headers as Array<[string, string]>) : [];
}

function isIterable(value: unknown): boolean {
  return typeof value === "object" && value !== null
    && (typeof (value as Iterable<unknown>)[Symbol.iterator] === "function" || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function");
}

/** The context a reply rule sees: the reply plus the request method it answers. */
export interface ReplySubject {
  reply: ReplyRecord;
  method: string;
}

export const REPLY_RULES: Array<Rule<ReplySubject>> = [
  {
    id: "reply.object", section: "reply",
    spec: "An app MUST return (or resolve to) an object `{ status, headers, body? }`.",
    check: ({ reply }) => typeof reply === "object" && reply !== null && !Array.isArray(reply)
      ? undefined : `the app must return { status, headers, body }; got ${show(reply)}`,
  },
  {
    id: "reply.status", section: "reply",
    spec: "`status` MUST be an integer from 200 to 599: a reply is final, and a 1xx status cannot be. A server answers any other status with a 500 and logs why.",
    check: ({ reply }) => Number.isInteger(reply.status) && (reply.status as number) >= 200 && (reply.status as number) <= 599
      ? undefined : `status must be an integer from 200 to 599; got ${show(reply.status)}${Number.isInteger(reply.status) && (reply.status as number) >= 100 && (reply.status as number) < 200 ? " (a 1xx status cannot be a final reply)" : ""}`,
  },
  {
    id: "reply.headers", section: "reply",
    spec: "`headers` MUST be an array of `[name, value]` string pairs, in order; a name MAY repeat (several `set-cookie`).",
    check: ({ reply }) => {
      if (!Array.isArray(reply.headers)) return `headers must be an array of [name, value] pairs (not an object or Headers); got ${show(reply.headers)}`;
      for (const pair of reply.headers as unknown[]) {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
          return `each header must be a [name, value] pair of strings; got ${show(pair)}${Array.isArray(pair) ? ` ${JSON.stringify(pair)}` : ""}`;
        }
      }
      return undefined;
    },
  },
  {
    id: "reply.header-name", section: "reply",
    spec: "A header name MUST be an RFC 9110 token (letters, digits and ``!#$%&'*+-.^_`|~``); case is not significant.",
    check: ({ reply }) => {
      for (const [name] of headerList(reply)) {
        const problem = nameProblem(name);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  },
  {
    id: "reply.header-value", section: "reply",
    spec: "A header value MUST consist of characters that are sent as themselves in one byte: HTAB, U+0020–U+007E and U+0080–U+00FF (written as Latin-1, as node:http and Fetch's ByteString do). CR, LF, NUL, the other control characters and any character above U+00FF (whose low byte could be CR or LF on the wire) are refused: percent-encode such values (RFC 8187 for parameters). A server answers a reply breaking this rule with a 500 and one log line naming the header, and never writes its bytes.",
    check: ({ reply }) => {
      for (const [name, value] of headerList(reply)) {
        const problem = valueProblem(name, value);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  },
  {
    id: "reply.no-status-header", section: "reply",
    spec: "The headers MUST NOT contain `Status`: the status is the `status` field (CGI servers write the `Status:` line themselves).",
    check: ({ reply }) => headerList(reply).some(([name]) => name.toLowerCase() === "status")
      ? "remove the Status header and set reply.status instead" : undefined,
  },
  {
    id: "reply.no-hop-by-hop", section: "reply",
    spec: "The headers MUST NOT contain hop-by-hop fields (`Connection`, `Keep-Alive`, `Transfer-Encoding`, `Upgrade`, `TE`, `Trailer`, `Proxy-Connection`): framing is the server's job. Servers drop them.",
    check: ({ reply }) => {
      for (const [name] of headerList(reply)) if (HOP_BY_HOP.has(name.toLowerCase())) return `remove the ${name} header: the server decides framing and connection reuse`;
      return undefined;
    },
  },
  {
    id: "reply.content-length", section: "reply",
    spec: "A `Content-Length` header, when present, MUST be given once, in decimal, and, for a string or bytes body, equal its length in bytes. Without one, a server adds the length of a string or bytes body and frames a streamed body itself (chunked on HTTP/1.1). A server answers a reply breaking this rule with a 500.",
    check: ({ reply, method }) => {
      const lengths = headerList(reply).filter(([name]) => name.toLowerCase() === "content-length");
      if (lengths.length > 1) return `content-length is given ${lengths.length} times; give it once, or drop it and let the server count`;
      const header = lengths[0];
      if (header === undefined) return undefined;
      if (!/^[0-9]+$/.test(header[1])) return `content-length must be a decimal string; got ${show(header[1])}`;
      const body = reply.body;
      if (method === "HEAD" || (typeof body !== "string" && !(body instanceof Uint8Array))) return undefined;
      const actual = typeof body === "string" ? new TextEncoder().encode(body).byteLength : body.byteLength;
      return Number(header[1]) === actual ? undefined : `content-length says ${header[1]} but the body has ${actual} bytes; drop the header and let the server count`;
    },
  },
  {
    id: "reply.no-body-status", section: "reply",
    spec: "A reply with status 204 or 304 MUST have no body and no `Content-Type`. A server sends no body for them whatever the app returned, drops a 204's `Content-Length`, and keeps (never adds) a 304's.",
    check: ({ reply }) => {
      const status = reply.status as number;
      if (!(status === 204 || status === 304)) return undefined;
      const body = reply.body;
      const empty = body === undefined || body === null || body === "" || (body instanceof Uint8Array && body.byteLength === 0);
      if (!empty) return `a ${status} reply must not have a body; remove it or change the status`;
      return headerList(reply).some(([name]) => name.toLowerCase() === "content-type") ? `a ${status} reply must not have a content-type header` : undefined;
    },
  },
  {
    id: "reply.body", section: "reply",
    spec: "`body` MUST be absent, `null`, a string (sent as UTF-8), a `Uint8Array`, or a sync or async iterable of strings and `Uint8Array`s (a stream). For `HEAD` an app MAY return a body; the server sends the headers GET would get (a whole body's `Content-Length` included) and none of its bytes. A stream that fails before its first chunk is answered with a 500; one that fails later is cut short so the client sees it incomplete.",
    check: ({ reply }) => {
      const body = reply.body;
      if (body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || isIterable(body)) return undefined;
      return `body must be a string, Uint8Array or an (async) iterable of them; got ${show(body)}${body instanceof ArrayBuffer ? " (wrap it: new Uint8Array(buffer))" : ""}`;
    },
  },
];

export const BODY_RULES: Array<Rule<unknown>> = [
  {
    id: "body.chunk", section: "body",
    spec: "Each chunk a streamed body yields MUST be a string or a `Uint8Array`; empty chunks are allowed and skipped by servers.",
    check: (chunk) => typeof chunk === "string" || chunk instanceof Uint8Array
      ? undefined : `a body chunk must be a string or Uint8Array; got ${show(chunk)}`,
  },
];

/** What the lint sees of the app's use of `tsgi.input`. */
export interface InputUse {
  reads: number;
  chunk?: unknown;
  total?: number;
  declared?: number;
  ended?: boolean;
}

export const INPUT_RULES: Array<Rule<InputUse>> = [
  {
    id: "input.once", section: "input",
    spec: "An app MUST read `tsgi.input` at most once; a middleware that needs the body buffers it and hands the app a fresh input.",
    check: ({ reads }) => reads > 1 ? "tsgi.input was read twice; read it once with readBody(env) and pass the bytes on" : undefined,
  },
  {
    id: "input.chunk", section: "input",
    spec: "A server MUST yield only non-shared `Uint8Array` chunks from `tsgi.input`.",
    check: ({ chunk }) => chunk === undefined || chunk instanceof Uint8Array ? undefined : `tsgi.input yielded ${show(chunk)}; yield Uint8Array chunks`,
  },
  {
    id: "input.length", section: "input",
    spec: "When `CONTENT_LENGTH` is set, `tsgi.input` MUST yield at most that many bytes, and exactly that many if it ends normally.",
    check: ({ total, declared, ended }) => {
      if (declared === undefined || total === undefined) return undefined;
      if (total > declared) return `tsgi.input yielded ${total} bytes but CONTENT_LENGTH is ${declared}; stop at CONTENT_LENGTH`;
      if (ended === true && total < declared) return `tsgi.input ended after ${total} of ${declared} bytes; a short body must end with an error, not a normal end`;
      return undefined;
    },
  },
];

export const ERRORS_RULES: Array<Rule<unknown>> = [
  {
    id: "errors.write", section: "errors",
    spec: "An app MUST pass `tsgi.errors.write` one string; the sink ends it with a newline when it has none.",
    check: (message) => typeof message === "string" ? undefined : `tsgi.errors.write takes a string; got ${show(message)} (format it first)`,
  },
];
