// The one app behind the differential corpus: every server path loads this module once and each case
// is the route `/<case name>` (PATH_INFO). The behaviours are deliberately wrong in the ways the cases
// name (bad statuses, bad headers, failing streams); the servers must answer them by the gateway rules.
// Bundled as a CGI script too, so it imports only "tsgi" and node: modules.
import { createHash } from "node:crypto";
import type { App, Env, HeaderList, Reply } from "tsgi";
import { requestUrl } from "tsgi";

type Behaviour = (env: Env) => unknown;

const TEXT: [string, string] = ["content-type", "text/plain; charset=utf-8"];
const JSON_TYPE: [string, string] = ["content-type", "application/json"];
let aborted = 0;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function text(body: string, status = 200, extra: HeaderList = []): Reply {
  return { status, headers: [TEXT, ...extra], body };
}

/** A reply with one extra header field, for the header-value and header-name cases. */
function withHeader(name: string, value: string): () => Reply {
  return () => ({ status: 200, headers: [TEXT, [name, value]], body: "header case\n" });
}

/** The 256 byte values in order. */
export function allBytes(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, i) => i);
}

/** A deterministic byte pattern of `size` bytes (uploads and large replies). */
export function pattern(size: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = x >>> 16;
  }
  return bytes;
}

async function* slices(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, Math.min(offset + size, bytes.byteLength));
}

async function readInput(env: Env): Promise<Reply> {
  const hash = createHash("sha256");
  let length = 0;
  for await (const chunk of env["tsgi.input"]) {
    hash.update(chunk);
    length += chunk.byteLength;
  }
  const seen = { length, sha256: hash.digest("hex"), contentType: env.CONTENT_TYPE ?? null };
  return { status: 200, headers: [JSON_TYPE], body: JSON.stringify(seen) + "\n" };
}

/** The env facts a case may compare: the same on every server once `{port}` and `{script}` are put back. */
function hostFacts(env: Env): Reply {
  const facts = { serverName: env.SERVER_NAME, httpHost: env.HTTP_HOST ?? null, url: requestUrl(env) };
  return { status: 200, headers: [JSON_TYPE], body: JSON.stringify(facts) + "\n" };
}

const LARGE = 3 * 1024 * 1024;

const behaviours: Record<string, Behaviour> = {
  // statuses
  "status-200": () => text("hello"),
  "status-201-created": () => ({ status: 201, headers: [TEXT, ["x-answer", "42"]], body: "créé ✓" }),
  "status-404": () => text("no such thing\n", 404),
  "status-503-retry": () => text("try later\n", 503, [["retry-after", "120"]]),
  "status-599": () => text("edge\n", 599),
  "status-103-final": () => ({ status: 103, headers: [TEXT, ["link", "</a.css>; rel=preload"]], body: "early" }),
  "status-100-final": () => ({ status: 100, headers: [], body: "" }),
  "status-600": () => text("too big", 600),
  "status-fraction": () => text("fraction", 200.5),
  "status-string": () => ({ status: "200", headers: [TEXT], body: "string status" }),
  // body rules
  "no-content-with-body": () => ({ status: 204, headers: [["x-kind", "204"]], body: "must not be sent" }),
  "no-content-with-length": () => ({ status: 204, headers: [["x-kind", "204"], ["content-length", "4"]], body: "nope" }),
  "not-modified-with-body": () => ({ status: 304, headers: [["etag", '"v1"']], body: "must not be sent" }),
  "not-modified-with-length": () => ({ status: 304, headers: [["etag", '"v1"'], ["content-length", "10"]] }),
  "head-whole": () => text("hello there"),
  "head-stream": () => ({ status: 200, headers: [TEXT], body: (async function* () { yield "streamed "; await sleep(1); yield "body"; })() }),
  "head-no-content": () => ({ status: 204, headers: [["x-kind", "204"]], body: "must not be sent" }),
  "head-invalid": withHeader("x-head-bad", "a\r\nSet-Cookie: evil=1"),
  "head-throws": () => { throw new Error("corpus: HEAD of an app that throws"); },
  "empty-undefined": () => ({ status: 200, headers: [TEXT] }),
  "empty-string": () => text(""),
  "whole-bytes-256": () => ({ status: 200, headers: [["content-type", "application/octet-stream"]], body: allBytes() }),
  "whole-unicode": () => text("créé ✓ 😀 ﬁn\n"),
  "length-matches": () => ({ status: 200, headers: [TEXT, ["content-length", "5"]], body: "hello" }),
  "length-disagrees": () => ({ status: 200, headers: [TEXT, ["content-length", "3"]], body: "hello" }),
  "length-not-decimal": () => ({ status: 200, headers: [TEXT, ["content-length", "five"]], body: "hello" }),
  "length-twice": () => ({ status: 200, headers: [TEXT, ["content-length", "5"], ["content-length", "5"]], body: "hello" }),
  "stream-sync-chunks": () => ({ status: 200, headers: [TEXT], body: ["a", "", new TextEncoder().encode("b"), "c\n"] }),
  "stream-async": () => ({
    status: 200,
    headers: [TEXT],
    body: (async function* () {
      for (let i = 0; i < 20; i++) {
        yield `line ${i}\n`;
        if (i % 5 === 0) await sleep(2);
      }
    })(),
  }),
  "stream-empty": () => ({ status: 200, headers: [TEXT], body: (async function* () { /* no chunks */ })() }),
  "stream-large": () => ({ status: 200, headers: [["content-type", "application/octet-stream"]], body: slices(pattern(LARGE, 11), 64 * 1024) }),
  "async-app-whole": async () => { await sleep(5); return text("later\n"); },
  "stream-fails-first-async": () => ({
    status: 200,
    headers: [TEXT],
    body: (async function* () {
      await sleep(1);
      throw new Error("corpus: the stream failed before its first chunk");
    })(),
  }),
  "stream-fails-first-sync": () => ({
    status: 200,
    headers: [TEXT],
    body: { [Symbol.iterator]: () => ({ next: () => { throw new Error("corpus: the sync stream failed at once"); } }) },
  }),
  "stream-fails-midway": () => ({
    status: 200,
    headers: [TEXT],
    body: (async function* () {
      yield "partial\n";
      await sleep(20);
      throw new Error("corpus: the stream failed midway");
    })(),
  }),
  // apps that fail
  "throw-sync": () => { throw new Error("corpus: secret sync detail"); },
  "throw-async": async () => { await sleep(1); throw new Error("corpus: secret async detail"); },
  "throw-non-error": () => { throw "corpus: a thrown string"; },
  "return-undefined": () => undefined,
  "return-null": () => null,
  "return-string": () => "hello",
  "headers-not-array": () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "x" }),
  "header-value-not-string": () => ({ status: 200, headers: [TEXT, ["x-number", 42]], body: "x" }),
  "body-number": () => ({ status: 200, headers: [TEXT], body: 42 }),
  "status-header": () => ({ status: 200, headers: [TEXT, ["status", "302 Found"], ["location", "/elsewhere"]], body: "x" }),
  // header fields
  "set-cookie-repeated": () => ({
    status: 200,
    headers: [TEXT, ["set-cookie", "a=1; Path=/"], ["x-between", "1"], ["set-cookie", "b=2; Path=/; HttpOnly"], ["Set-Cookie", "c=3; Max-Age=60"]],
    body: "cookies\n",
  }),
  "header-repeated": () => ({ status: 200, headers: [TEXT, ["x-multi", "one"], ["x-other", "o"], ["x-multi", "two"]], body: "repeated\n" }),
  "header-ascii-all": withHeader("x-ascii", Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join("") + " in the middle ."),
  "header-htab": withHeader("x-tab", "a\tb"),
  "header-latin1": withHeader("x-latin1", "café ñ ü ÿ © ×"),
  "header-latin1-c1": withHeader("x-c1", "a\u0080b\u0085c\u009f"),
  "header-empty-value": () => ({ status: 200, headers: [TEXT, ["x-empty", ""], ["x-after", "1"]], body: "header case\n" }),
  "header-unicode-bmp": withHeader("x-check-mark", "done ✓"),
  "header-unicode-astral": withHeader("x-emoji", "smile 😀"),
  "header-u0100": withHeader("x-u0100", "a\u0100b"),
  "inject-u010d-u010a": withHeader("x-inject-u010d", "x\u010d\u010aSet-Cookie: evil=1"),
  "inject-location": (env) => {
    const to = new URLSearchParams(env.QUERY_STRING).get("to") ?? "/";
    return { status: 302, headers: [TEXT, ["location", to]], body: "moved\n" };
  },
  "inject-crlf": withHeader("x-inject-crlf", "x\r\nSet-Cookie: evil=1"),
  "header-lf": withHeader("x-lf", "a\nb"),
  "header-cr": withHeader("x-cr", "a\rb"),
  "header-nul": withHeader("x-nul", "a\0b"),
  "header-control": withHeader("x-control", "a\u0001b"),
  "header-del": withHeader("x-del", "a\u007fb"),
  "name-with-space": withHeader("bad header", "x"),
  "name-empty": withHeader("", "x"),
  "name-colon": withHeader("x:y", "x"),
  "name-crlf-inject": withHeader("x-ok\r\nSet-Cookie: evil=1\r\nx-more", "x"),
  "name-non-ascii": withHeader("x-é", "x"),
  "name-token-chars": withHeader("x!#$%&'*+-.^_`|~9", "token"),
  "headers-many": () => ({
    status: 200,
    headers: [TEXT, ...Array.from({ length: 100 }, (_, i): [string, string] => [`x-h-${String(i).padStart(3, "0")}`, `v${i}`])],
    body: "many\n",
  }),
  "hop-by-hop": () => ({ status: 200, headers: [TEXT, ["connection", "close"], ["transfer-encoding", "chunked"], ["keep-alive", "timeout=5"]], body: "hello" }),
  // requests and env
  "echo-env": (env) => ({
    status: 200,
    headers: [JSON_TYPE],
    body: JSON.stringify({ method: env.REQUEST_METHOD, script: env.SCRIPT_NAME, path: env.PATH_INFO, query: env.QUERY_STRING, url: requestUrl(env) }) + "\n",
  }),
  "echo-headers": (env) => ({
    status: 200,
    headers: [JSON_TYPE],
    body: JSON.stringify({
      custom: env.HTTP_X_CUSTOM_THING ?? null,
      accept: env.HTTP_ACCEPT ?? null,
      cookie: env.HTTP_COOKIE ?? null,
      proxy: env.HTTP_PROXY ?? null,
      proxyKeys: Object.keys(env).filter((key) => key.includes("PROXY")),
    }) + "\n",
  }),
  "host-ipv6": hostFacts,
  "host-ipv6-port": (env) => text(`SERVER_PORT=${env.SERVER_PORT}\n`),
  "host-ipv6-no-port": hostFacts,
  "host-name-port": hostFacts,
  "host-missing-http10": (env) => ({
    status: 200,
    headers: [JSON_TYPE],
    body: JSON.stringify({ serverName: env.SERVER_NAME, serverPort: env.SERVER_PORT, httpHost: env.HTTP_HOST ?? null, url: requestUrl(env) }) + "\n",
  }),
  "upload-10mb": readInput,
  "upload-form": readInput,
  "upload-empty": readInput,
  "upload-chunked": readInput,
  "reflect-request-header": (env) => ({ status: 200, headers: [TEXT, ["x-reflect", env.HTTP_X_REFLECT ?? "(none)"]], body: "reflected\n" }),
  // scenario routes (not table cases): a slow reply, an endless reply and the abort counter
  "slow": async () => { await sleep(400); return text("slow done\n"); },
  "endless": (env) => {
    const signal = env["tsgi.signal"];
    signal.addEventListener("abort", () => undefined);
    const chunk = "x".repeat(16 * 1024);
    return {
      status: 200,
      headers: [TEXT],
      body: (async function* () {
        const deadline = Date.now() + 20_000;
        try {
          for (let i = 0; i < 4000 && !signal.aborted && Date.now() < deadline; i++) {
            yield chunk;
            await sleep(2);
          }
        } finally {
          if (signal.aborted) aborted++;
        }
      })(),
    };
  },
  "aborted-count": () => text(String(aborted)),
};

/** The route names this app answers (each table case and each scenario route). */
export const ROUTES: readonly string[] = Object.keys(behaviours);

/**
 * The corpus app: `/<name>` runs the behaviour of that name; anything else is a 404 naming the path.
 * Replies are returned as the behaviour made them, unchecked: checking is the server's job here.
 */
const app: App = (env) => {
  const name = env.PATH_INFO.slice(1).split("/")[0] ?? "";
  const behaviour = behaviours[name];
  if (behaviour === undefined) return text(`no corpus route ${JSON.stringify(env.PATH_INFO)}\n`, 404);
  return behaviour(env) as Reply;
};

export default app;
