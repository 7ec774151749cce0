// The differential corpus as data: each case is a request to `/<name>` of the corpus app
// (corpus-app.ts) and the reply every server path must give the client, by the gateway rules:
// - status 200–599 as is; anything else → 500. Header names are tokens; values are HTAB, 0x20–0x7E
//   or 0x80–0xFF, each sent as one Latin-1 byte; anything else → 500. An invalid reply or an app that
//   throws → the plain 500 below, and one line naming the problem in the server's log.
// - HEAD: GET's headers, no body. 1xx/204: no body, no content-length. 304: no body, an app's
//   content-length kept, none added. A whole body gets content-length = its bytes; a disagreeing one → 500.
//   A stream is framed by the server; failing before its first chunk → 500, after → the reply is cut short.
// Expected bodies may hold `{port}` (the port the client connected to) and `{script}` (the CGI script's
// path, "" elsewhere).
import { createHash } from "node:crypto";
import { allBytes, pattern } from "./corpus-app.js";

/** What the client sends. Header values are Latin-1 text: each character is one byte on the wire. */
export interface CorpusRequest {
  method?: string;
  /** Appended to `/<name>`: more path and a query. */
  suffix?: string;
  headers?: Array<[string, string]>;
  /** The Host header; null sends none (HTTP/1.0). Default `127.0.0.1:{port}`. */
  host?: string | null;
  version?: "1.0" | "1.1";
  /** A whole body (UTF-8 text or bytes) sent with content-length, or bytes sent chunked. */
  body?: string | Uint8Array | { chunked: Uint8Array; piece: number };
}

/** What the client must receive. */
export interface CorpusExpectation {
  status: number;
  /** Every header field after the front server's own are filtered, except content-length (names lower-case; repeats joined by ", " except set-cookie). */
  headers: Array<[string, string]>;
  /** The body: text (compared as UTF-8 bytes) or bytes. Default empty. */
  body?: string | Uint8Array;
  /**
   * content-length: "body" (default for whole bodies) = the expected body's byte length; "none" = absent;
   * a decimal string = that value. Ignored for streams (framing is the server's, or the front server's).
   */
  contentLength?: "body" | "none" | string;
  /** The app streamed: content-length is the server's choice and not compared. */
  stream?: boolean;
  /** The stream failed after it started: the body is `body` cut short, and the client can tell where the path can say so. */
  truncated?: boolean;
  /** Header names that must never reach the client (a header-injection attempt's). */
  absent?: string[];
  /** Text that one line of the server's log must hold (a bad header's name, an error's message). */
  log?: string;
}

export interface CorpusCase {
  name: string;
  about: string;
  request?: CorpusRequest;
  expect: CorpusExpectation;
}

const TEXT: [string, string] = ["content-type", "text/plain; charset=utf-8"];
const JSON_TYPE: [string, string] = ["content-type", "application/json"];
const OCTETS: [string, string] = ["content-type", "application/octet-stream"];

/** The reply to an invalid reply or a failed app, outside development mode. */
function serverError(log: string, absent: string[] = []): CorpusExpectation {
  return { status: 500, headers: [TEXT], body: "Internal Server Error\n", log, ...(absent.length > 0 ? { absent } : {}) };
}

function headerCase(name: string, about: string, field: [string, string]): CorpusCase {
  return { name, about, expect: { status: 200, headers: [TEXT, field], body: "header case\n" } };
}

function badHeaderCase(name: string, about: string, log: string, absent: string[] = []): CorpusCase {
  return { name, about, expect: serverError(log, absent) };
}

const MB10 = pattern(10 * 1024 * 1024, 5);
const CHUNKED = pattern(200_001, 9);
/** The corpus app's answer to an upload: its length, sha256 and content type. */
const inputEcho = (bytes: Uint8Array, contentType: string | null): string =>
  JSON.stringify({ length: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex"), contentType }) + "\n";
const ASCII = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join("") + " in the middle .";

/** The corpus: request → the reply every server path must give. */
export const CORPUS: readonly CorpusCase[] = [
  // statuses
  { name: "status-200", about: "a plain 200 with a whole body", expect: { status: 200, headers: [TEXT], body: "hello" } },
  { name: "status-201-created", about: "status, an extra header and a UTF-8 body pass as they are", expect: { status: 201, headers: [TEXT, ["x-answer", "42"]], body: "créé ✓" } },
  { name: "status-404", about: "an app's 404 is the app's, not the front server's page", expect: { status: 404, headers: [TEXT], body: "no such thing\n" } },
  { name: "status-503-retry", about: "a 503 keeps its retry-after and body", expect: { status: 503, headers: [TEXT, ["retry-after", "120"]], body: "try later\n" } },
  { name: "status-599", about: "599 is the highest status sent as is", expect: { status: 599, headers: [TEXT], body: "edge\n" } },
  { name: "status-103-final", about: "a 1xx cannot be a final reply → 500", expect: serverError("status") },
  { name: "status-100-final", about: "100 as a final reply → 500", expect: serverError("status") },
  { name: "status-600", about: "a status above 599 → 500", expect: serverError("status") },
  { name: "status-fraction", about: "a non-integer status → 500", expect: serverError("status") },
  { name: "status-string", about: "a status that is a string is a malformed reply → 500", expect: serverError("status") },
  // body rules
  { name: "no-content-with-body", about: "204: the body is dropped", expect: { status: 204, headers: [["x-kind", "204"]], contentLength: "none" } },
  { name: "no-content-with-length", about: "204: the body is dropped and an app's content-length removed", expect: { status: 204, headers: [["x-kind", "204"]], contentLength: "none" } },
  { name: "not-modified-with-body", about: "304: the body is dropped, no content-length added", expect: { status: 304, headers: [["etag", '"v1"']], contentLength: "none" } },
  { name: "not-modified-with-length", about: "304: an app's content-length is kept (it describes the representation)", expect: { status: 304, headers: [["etag", '"v1"']], contentLength: "10" } },
  { name: "head-whole", about: "HEAD: GET's headers (content-length of the whole body included), no body", request: { method: "HEAD" }, expect: { status: 200, headers: [TEXT], contentLength: "11" } },
  { name: "head-stream", about: "HEAD of a streamed reply: the headers, no body", request: { method: "HEAD" }, expect: { status: 200, headers: [TEXT], stream: true } },
  { name: "head-no-content", about: "HEAD of a 204 with a body: no body, no content-length", request: { method: "HEAD" }, expect: { status: 204, headers: [["x-kind", "204"]], contentLength: "none" } },
  {
    name: "head-invalid",
    about: "HEAD of an invalid reply: the 500's headers, no body, no set-cookie",
    request: { method: "HEAD" },
    expect: { status: 500, headers: [TEXT], contentLength: "22", absent: ["set-cookie"], log: "x-head-bad" },
  },
  { name: "head-throws", about: "HEAD of an app that throws: the 500's headers, no body", request: { method: "HEAD" }, expect: { status: 500, headers: [TEXT], contentLength: "22", log: "HEAD of an app that throws" } },
  { name: "empty-undefined", about: "no body at all: content-length 0", expect: { status: 200, headers: [TEXT], body: "" } },
  { name: "empty-string", about: "an empty string body: content-length 0", expect: { status: 200, headers: [TEXT], body: "" } },
  { name: "whole-bytes-256", about: "every byte value, exactly", expect: { status: 200, headers: [OCTETS], body: allBytes() } },
  { name: "whole-unicode", about: "a UTF-8 body with astral characters: content-length counts bytes", expect: { status: 200, headers: [TEXT], body: "créé ✓ 😀 ﬁn\n" } },
  { name: "length-matches", about: "an app's content-length that agrees is kept once", expect: { status: 200, headers: [TEXT], body: "hello" } },
  { name: "length-disagrees", about: "an app's content-length that disagrees with the body → 500", expect: serverError("content-length") },
  { name: "length-not-decimal", about: "a content-length that is not a number → 500", expect: serverError("content-length") },
  { name: "length-twice", about: "two content-length fields → 500", expect: serverError("content-length") },
  { name: "stream-sync-chunks", about: "a sync iterable of strings, bytes and empty chunks", expect: { status: 200, headers: [TEXT], body: "abc\n", stream: true } },
  { name: "stream-async", about: "an async generator with pauses", expect: { status: 200, headers: [TEXT], body: Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join(""), stream: true } },
  { name: "stream-empty", about: "a stream with no chunks: an empty 200", expect: { status: 200, headers: [TEXT], body: "", stream: true } },
  { name: "stream-large", about: "3 MiB streamed in 64 KiB chunks, byte for byte", expect: { status: 200, headers: [OCTETS], body: pattern(3 * 1024 * 1024, 11), stream: true } },
  { name: "async-app-whole", about: "an async app's whole body", expect: { status: 200, headers: [TEXT], body: "later\n" } },
  { name: "stream-fails-first-async", about: "a stream that fails before its first chunk → 500", expect: serverError("the stream failed before its first chunk") },
  { name: "stream-fails-first-sync", about: "a sync stream that throws on its first next() → 500", expect: serverError("the sync stream failed at once") },
  { name: "stream-fails-midway", about: "a stream that fails after a chunk: the reply is cut short and logged", expect: { status: 200, headers: [TEXT], body: "partial\n", stream: true, truncated: true, log: "the stream failed midway" } },
  // apps that fail
  { name: "throw-sync", about: "an app that throws → 500 without the message", expect: serverError("secret sync detail") },
  { name: "throw-async", about: "an app whose promise rejects → 500 without the message", expect: serverError("secret async detail") },
  { name: "throw-non-error", about: "an app that throws a string → 500", expect: serverError("a thrown string") },
  { name: "return-undefined", about: "an app that returns undefined → 500", expect: serverError("reply") },
  { name: "return-null", about: "an app that returns null → 500", expect: serverError("reply") },
  { name: "return-string", about: "an app that returns a string → 500", expect: serverError("reply") },
  { name: "headers-not-array", about: "headers as an object → 500", expect: serverError("header") },
  { name: "header-value-not-string", about: "a header value that is a number → 500", expect: serverError("header") },
  { name: "body-number", about: "a body that is a number → 500", expect: serverError("body") },
  { name: "status-header", about: "a Status field (CGI would obey it) → 500", expect: serverError("status") },
  // header fields
  {
    name: "set-cookie-repeated",
    about: "every set-cookie arrives, in order, never joined",
    expect: { status: 200, headers: [TEXT, ["set-cookie", "a=1; Path=/"], ["x-between", "1"], ["set-cookie", "b=2; Path=/; HttpOnly"], ["set-cookie", "c=3; Max-Age=60"]], body: "cookies\n" },
  },
  { name: "header-repeated", about: "a repeated field arrives with both values in order", expect: { status: 200, headers: [TEXT, ["x-multi", "one, two"], ["x-other", "o"]], body: "repeated\n" } },
  headerCase("header-ascii-all", "every printable ASCII character in a value", ["x-ascii", ASCII]),
  headerCase("header-htab", "a tab inside a value", ["x-tab", "a\tb"]),
  headerCase("header-latin1", "Latin-1 characters are sent as one byte each", ["x-latin1", "café ñ ü ÿ © ×"]),
  headerCase("header-latin1-c1", "0x80–0x9F are obs-text: one byte each", ["x-c1", "a\u0080b\u0085c\u009f"]),
  { name: "header-empty-value", about: "an empty value is a field", expect: { status: 200, headers: [TEXT, ["x-empty", ""], ["x-after", "1"]], body: "header case\n" } },
  badHeaderCase("header-unicode-bmp", "a character above U+00FF (✓) → 500", "x-check-mark"),
  badHeaderCase("header-unicode-astral", "an astral character (😀) → 500", "x-emoji"),
  badHeaderCase("header-u0100", "U+0100, whose low byte is NUL → 500", "x-u0100"),
  badHeaderCase("inject-u010d-u010a", "U+010D U+010A (low bytes CR LF) never split the reply → 500, no set-cookie", "x-inject-u010d", ["set-cookie"]),
  {
    name: "inject-location",
    about: "a redirect Location built from user input with U+010D U+010A → 500, no set-cookie",
    request: { suffix: "?to=%2Fnext%C4%8D%C4%8ASet-Cookie%3A%20evil%3D1" },
    expect: serverError("location", ["set-cookie"]),
  },
  badHeaderCase("inject-crlf", "CR LF in a value → 500, no set-cookie", "x-inject-crlf", ["set-cookie"]),
  badHeaderCase("header-lf", "a bare LF in a value → 500", "x-lf"),
  badHeaderCase("header-cr", "a bare CR in a value → 500", "x-cr"),
  badHeaderCase("header-nul", "NUL in a value → 500", "x-nul"),
  badHeaderCase("header-control", "a control character (U+0001) → 500", "x-control"),
  badHeaderCase("header-del", "DEL (U+007F) → 500", "x-del"),
  badHeaderCase("name-with-space", "a name with a space → 500", "bad header"),
  badHeaderCase("name-empty", "an empty name → 500", "header name"),
  badHeaderCase("name-colon", "a name with a colon → 500", "x:y"),
  badHeaderCase("name-crlf-inject", "CR LF in a name → 500, no set-cookie", "header name", ["set-cookie", "x-more"]),
  badHeaderCase("name-non-ascii", "a non-ASCII name → 500", "header name"),
  headerCase("name-token-chars", "every token punctuation character in a name", ["x!#$%&'*+-.^_`|~9", "token"]),
  {
    name: "headers-many",
    about: "100 fields arrive",
    expect: { status: 200, headers: [TEXT, ...Array.from({ length: 100 }, (_, i): [string, string] => [`x-h-${String(i).padStart(3, "0")}`, `v${i}`])], body: "many\n" },
  },
  { name: "hop-by-hop", about: "an app's connection/transfer-encoding/keep-alive never break the framing", expect: { status: 200, headers: [TEXT], body: "hello" } },
  // requests and env
  {
    name: "echo-env",
    about: "method, SCRIPT_NAME, decoded PATH_INFO, raw QUERY_STRING and requestUrl",
    request: { suffix: "/caf%C3%A9/a%20b?x=1&y=%20two&x=3" },
    expect: {
      status: 200,
      headers: [JSON_TYPE],
      body: JSON.stringify({ method: "GET", script: "{script}", path: "/echo-env/café/a b", query: "x=1&y=%20two&x=3", url: "http://127.0.0.1:{port}{script}/echo-env/caf%C3%A9/a%20b?x=1&y=%20two&x=3" }) + "\n",
    },
  },
  {
    name: "echo-headers",
    about: "HTTP_* from request headers; two Cookie fields joined with '; '; Proxy never becomes HTTP_PROXY",
    request: { headers: [["X-Custom-Thing", "v1"], ["Accept", "text/plain"], ["Cookie", "a=1"], ["Cookie", "b=2"], ["Proxy", "http://evil.example:8080"]] },
    expect: { status: 200, headers: [JSON_TYPE], body: JSON.stringify({ custom: "v1", accept: "text/plain", cookie: "a=1; b=2", proxy: null, proxyKeys: [] }) + "\n" },
  },
  {
    name: "host-ipv6",
    about: "Host [::1]:8080: SERVER_NAME keeps the brackets; requestUrl never double-brackets",
    request: { host: "[::1]:8080" },
    expect: { status: 200, headers: [JSON_TYPE], body: JSON.stringify({ serverName: "[::1]", httpHost: "[::1]:8080", url: "http://[::1]:8080{script}/host-ipv6" }) + "\n" },
  },
  { name: "host-ipv6-port", about: "Host [::1]:8080: SERVER_PORT 8080", request: { host: "[::1]:8080" }, expect: { status: 200, headers: [TEXT], body: "SERVER_PORT=8080\n" } },
  {
    name: "host-ipv6-no-port",
    about: "Host [::1]: SERVER_NAME [::1], requestUrl http://[::1]/",
    request: { host: "[::1]" },
    expect: { status: 200, headers: [JSON_TYPE], body: JSON.stringify({ serverName: "[::1]", httpHost: "[::1]", url: "http://[::1]{script}/host-ipv6-no-port" }) + "\n" },
  },
  {
    name: "host-name-port",
    about: "Host example.test:8443: SERVER_NAME without the port",
    request: { host: "example.test:8443" },
    expect: { status: 200, headers: [JSON_TYPE], body: JSON.stringify({ serverName: "example.test", httpHost: "example.test:8443", url: "http://example.test:8443{script}/host-name-port" }) + "\n" },
  },
  {
    name: "host-missing-http10",
    about: "HTTP/1.0 without Host: SERVER_NAME/PORT are the server's own address",
    request: { host: null, version: "1.0" },
    expect: {
      status: 200,
      headers: [JSON_TYPE],
      body: JSON.stringify({ serverName: "127.0.0.1", serverPort: "{port}", httpHost: null, url: "http://127.0.0.1:{port}{script}/host-missing-http10" }) + "\n",
    },
  },
  {
    name: "upload-10mb",
    about: "a 10 MB upload arrives whole: its length and sha256",
    request: { method: "POST", headers: [["Content-Type", "application/octet-stream"]], body: MB10 },
    expect: { status: 200, headers: [JSON_TYPE], body: inputEcho(MB10, "application/octet-stream") },
  },
  {
    name: "upload-form",
    about: "a small form body and its content type",
    request: { method: "POST", headers: [["Content-Type", "application/x-www-form-urlencoded"]], body: "a=1&b=2" },
    expect: { status: 200, headers: [JSON_TYPE], body: inputEcho(new TextEncoder().encode("a=1&b=2"), "application/x-www-form-urlencoded") },
  },
  {
    name: "upload-empty",
    about: "a POST with content-length 0",
    request: { method: "POST", body: "" },
    expect: { status: 200, headers: [JSON_TYPE], body: inputEcho(new Uint8Array(0), null) },
  },
  {
    name: "upload-chunked",
    about: "a chunked request body arrives whole",
    request: { method: "PUT", headers: [["Content-Type", "application/octet-stream"]], body: { chunked: CHUNKED, piece: 16 * 1024 + 7 } },
    expect: { status: 200, headers: [JSON_TYPE], body: inputEcho(CHUNKED, "application/octet-stream") },
  },
  {
    name: "reflect-request-header",
    about: "a request header's bytes (UTF-8 'café') reflected into a reply header come back as the same bytes",
    request: { headers: [["X-Reflect", "caf\u00c3\u00a9"]] },
    expect: { status: 200, headers: [TEXT, ["x-reflect", "caf\u00c3\u00a9"]], body: "reflected\n" },
  },
];
