/** The socket-free test client. @module */
import type { App, Env, HeaderList } from "../contract.js";
import { EMPTY_INPUT, RequestInput, replyChunks } from "../gateway/body.js";
import { memorySink } from "../gateway/log.js";
import { envFromUrl } from "../gateway/url-env.js";
import { lint } from "../lint/lint.js";

/** A request to build: everything optional but the method and URL. */
export interface TestRequestInit {
  /** Headers as an object or as pairs (pairs may repeat a name). */
  headers?: Record<string, string> | Array<[string, string]>;
  /** A body: text, bytes, or an object sent as JSON (sets content-type). */
  body?: string | Uint8Array | Record<string, unknown> | unknown[];
  /** Form fields, sent urlencoded (sets content-type). */
  form?: Record<string, string>;
  /** Mount point: the part of the URL path that goes to SCRIPT_NAME. */
  scriptName?: string;
  remoteAddr?: string;
  /** Aborts the request's `tsgi.signal`. */
  signal?: AbortSignal;
  /** Extra env keys (extensions), merged last. */
  env?: Record<string, unknown>;
}

/** The reply as a test sees it: status, headers, and the whole body read. */
export class TestReply {
  constructor(readonly status: number, readonly headers: HeaderList, readonly bytes: Uint8Array, readonly env: Env) {}

  /** The first value of a header (case-insensitive), or undefined. */
  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    return this.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
  }

  /** Every value of a header, in order (e.g. all `set-cookie`). */
  headerAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.headers.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
  }

  /** The body as UTF-8 text. */
  get text(): string {
    return new TextDecoder().decode(this.bytes);
  }

  /** The body parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.text) as T;
  }

  /** Lines written to `tsgi.errors` during the request. */
  get logs(): string[] {
    return (this.env["tsgi.test_log"] as string[] | undefined) ?? [];
  }
}

function encodeBody(init: TestRequestInit, headers: Array<[string, string]>): Uint8Array | undefined {
  const has = (name: string): boolean => headers.some(([key]) => key.toLowerCase() === name);
  if (init.form !== undefined) {
    if (!has("content-type")) headers.push(["content-type", "application/x-www-form-urlencoded"]);
    return new TextEncoder().encode(new URLSearchParams(init.form).toString());
  }
  const body = init.body;
  if (body === undefined) return undefined;
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (!has("content-type")) headers.push(["content-type", "application/json"]);
  return new TextEncoder().encode(JSON.stringify(body));
}

/**
 * Builds an env for a request, as an HTTP server would, with no socket.
 *
 * @example
 * ```ts
 * const env = buildEnv("POST", "/books?x=1", { body: { title: "Dune" } });
 * ```
 */
export function buildEnv(method: string, url: string, init: TestRequestInit = {}): Env {
  const headers: Array<[string, string]> = Array.isArray(init.headers) ? [...init.headers] : Object.entries(init.headers ?? {});
  const body = encodeBody(init, headers);
  if (body !== undefined && !headers.some(([key]) => key.toLowerCase() === "content-length")) {
    headers.push(["content-length", String(body.byteLength)]);
  }
  const sink = memorySink();
  const env = envFromUrl({
    method,
    url: new URL(url, "http://localhost"),
    headers,
    input: body === undefined || body.byteLength === 0 ? EMPTY_INPUT : new RequestInput((async function* () { yield body; })()),
    errors: sink,
    signal: init.signal ?? new AbortController().signal,
    ...(init.scriptName !== undefined ? { scriptName: init.scriptName } : {}),
    remoteAddr: init.remoteAddr ?? "127.0.0.1",
    remotePort: "50000",
  });
  env["tsgi.test_log"] = sink.lines;
  if (init.env !== undefined) Object.assign(env, init.env);
  return env;
}

/**
 * Calls an app through `lint()` and reads the whole reply.
 *
 * @example
 * ```ts
 * const reply = await request(app, "GET", "/sum?a=1&b=2");
 * expect(reply.status).toBe(200);
 * expect(reply.text).toBe("3");
 * ```
 */
export async function request(app: App, method: string, url: string, init: TestRequestInit = {}, options: { lint?: boolean } = {}): Promise<TestReply> {
  const env = buildEnv(method, url, init);
  const target = options.lint === false ? app : lint()(app);
  const reply = await target(env);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (method.toUpperCase() !== "HEAD") {
    for await (const chunk of replyChunks(reply.body)) {
      chunks.push(chunk);
      size += chunk.byteLength;
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TestReply(reply.status, reply.headers, bytes, env);
}

/**
 * A client bound to one app, with a method per verb.
 *
 * @example
 * ```ts
 * const client = new TestClient(app);
 * const reply = await client.post("/login", { form: { user: "ada", password: "pw" } });
 * ```
 */
export class TestClient {
  readonly #settings: { lint?: boolean };

  constructor(readonly app: App, readonly defaults: TestRequestInit = {}, settings: { lint?: boolean } = {}) {
    this.#settings = settings;
  }

  request(method: string, url: string, init: TestRequestInit = {}): Promise<TestReply> {
    const headers = this.defaults.headers === undefined
      ? init.headers
      : [...headerPairs(this.defaults.headers), ...headerPairs(init.headers)];
    return request(this.app, method, url, { ...this.defaults, ...init, ...(headers !== undefined ? { headers } : {}) }, this.#settings);
  }

  get(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("GET", url, init); }
  head(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("HEAD", url, init); }
  post(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("POST", url, init); }
  put(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("PUT", url, init); }
  patch(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("PATCH", url, init); }
  delete(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("DELETE", url, init); }
  options(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("OPTIONS", url, init); }
}

function headerPairs(headers: TestRequestInit["headers"]): Array<[string, string]> {
  if (headers === undefined) return [];
  return Array.isArray(headers) ? headers : Object.entries(headers);
}
