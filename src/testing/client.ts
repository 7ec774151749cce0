/** The socket-free test client. @module */
import type { App, Env, HeaderList } from "../contract.js";
import { EMPTY_INPUT, RequestInput, replyChunks } from "../gateway/body.js";
import { memorySink } from "../gateway/log.js";
import { envFromUrl } from "../gateway/url-env.js";
import { lint } from "../lint/lint.js";
import { CookieJar } from "./cookie-jar.js";
import { formsIn, type PageForm } from "./forms.js";

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
  /** The URL that answered (after any redirects the client followed). */
  url = "";
  /** The URLs redirected from, in order, when the client follows redirects. */
  redirects: string[] = [];

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

  /** The forms of an HTML reply: action, method and input values (hidden CSRF fields included). */
  forms(): PageForm[] {
    return formsIn(this.text);
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
  if (typeof reply !== "object" || reply === null) throw new TypeError(`the app answered ${String(reply)}, not a reply`);
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
  const result = new TestReply(reply.status, reply.headers, bytes, env);
  result.url = new URL(url, "http://localhost").href;
  return result;
}

/** How a {@link TestClient} behaves. */
export interface TestClientSettings {
  /** Call the app through `lint()` (default true). */
  lint?: boolean;
  /** Keep cookies like a browser: `true` for a fresh {@link CookieJar}, or a jar to share. Default false. */
  cookies?: boolean | CookieJar;
  /** Follow redirects to the same host: `true` for up to 10, or the most to follow. Default false. */
  followRedirects?: boolean | number;
}

/** Options of {@link TestClient.submitForm}. */
export interface SubmitFormOptions {
  /** Which form of the page: its index (default 0) or a string its action contains. */
  form?: number | string;
  /** More request options (headers...) for both the page and the submission. */
  init?: TestRequestInit;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A client bound to one app, with a method per verb. With `{ cookies: true }` it is an agent that
 * keeps Set-Cookie and sends the cookies back; with `{ followRedirects: true }` it follows
 * redirects (303, and 301/302 after a POST, become GET; 307/308 keep the method and body).
 *
 * @example
 * ```ts
 * const client = new TestClient(app, {}, { cookies: true, followRedirects: true });
 * const reply = await client.submitForm("/login", { username: "ada", password: "pw" }); // GET the form, POST it with its _csrf
 * expect(reply.url).toBe("http://localhost/account");
 * ```
 */
export class TestClient {
  readonly #settings: { lint?: boolean };
  readonly #useCookies: boolean;
  readonly #maxRedirects: number;
  /** The cookie jar (filled and sent only when the client was made with `cookies`). */
  readonly cookies: CookieJar;

  constructor(readonly app: App, readonly defaults: TestRequestInit = {}, settings: TestClientSettings = {}) {
    this.#settings = settings.lint === undefined ? {} : { lint: settings.lint };
    this.#useCookies = settings.cookies !== undefined && settings.cookies !== false;
    this.cookies = settings.cookies instanceof CookieJar ? settings.cookies : new CookieJar();
    const follow = settings.followRedirects ?? false;
    this.#maxRedirects = follow === true ? 10 : follow === false ? 0 : follow;
    if (!Number.isSafeInteger(this.#maxRedirects) || this.#maxRedirects < 0) throw new TypeError("TestClient: followRedirects must be true, false or a count of redirects");
  }

  async request(method: string, url: string, init: TestRequestInit = {}): Promise<TestReply> {
    const redirects: string[] = [];
    let current = new URL(url, "http://localhost");
    let currentMethod = method.toUpperCase();
    let currentInit = init;
    for (;;) {
      const reply = await this.#once(currentMethod, current, currentInit);
      const location = reply.header("location");
      if (redirects.length >= this.#maxRedirects || !REDIRECTS.has(reply.status) || location === undefined) {
        reply.redirects = redirects;
        return reply;
      }
      const next = new URL(location, current);
      if (next.origin !== current.origin) {
        reply.redirects = redirects;
        return reply;
      }
      redirects.push(current.href);
      if (redirects.length > this.#maxRedirects) throw new Error(`TestClient: more than ${this.#maxRedirects} redirects from ${url}`);
      if (reply.status === 303 || ((reply.status === 301 || reply.status === 302) && currentMethod === "POST")) {
        if (currentMethod !== "HEAD") currentMethod = "GET";
        const rest: TestRequestInit = { ...currentInit };
        delete rest.body;
        delete rest.form;
        currentInit = rest;
      }
      current = next;
    }
  }

  async #once(method: string, url: URL, init: TestRequestInit): Promise<TestReply> {
    const pairs = [...headerPairs(this.defaults.headers), ...headerPairs(init.headers)];
    if (this.#useCookies && !pairs.some(([name]) => name.toLowerCase() === "cookie")) {
      const cookie = this.cookies.header(url.pathname);
      if (cookie !== undefined) pairs.push(["cookie", cookie]);
    }
    const merged: TestRequestInit = { ...this.defaults, ...init };
    if (pairs.length > 0) merged.headers = pairs;
    const target = url.origin === "http://localhost" ? url.pathname + url.search : url.href;
    const reply = await request(this.app, method, target, merged, this.#settings);
    if (this.#useCookies) this.cookies.store(reply.headerAll("set-cookie"), url.pathname);
    return reply;
  }

  get(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("GET", url, init); }
  head(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("HEAD", url, init); }
  post(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("POST", url, init); }
  put(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("PUT", url, init); }
  patch(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("PATCH", url, init); }
  delete(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("DELETE", url, init); }
  options(url: string, init?: TestRequestInit): Promise<TestReply> { return this.request("OPTIONS", url, init); }

  /**
   * Fetches the page at `pageUrl`, fills its form with `fields` over the values already in it
   * (hidden inputs such as the `_csrf` token included) and submits it to the form's action with its
   * method, as a browser would. Make the client with `{ cookies: true }` so the session that issued
   * the token is the one that submits it.
   */
  async submitForm(pageUrl: string, fields: Record<string, string> = {}, options: SubmitFormOptions = {}): Promise<TestReply> {
    const page = await this.get(pageUrl, options.init);
    if (page.status !== 200) throw new Error(`submitForm: GET ${pageUrl} answered ${page.status}, not a page with a form`);
    const forms = page.forms();
    const which = options.form ?? 0;
    const form = typeof which === "number" ? forms[which] : forms.find((candidate) => candidate.action.includes(which));
    if (form === undefined) {
      throw new Error(`submitForm: ${pageUrl} has ${forms.length} form(s)${forms.length > 0 ? ` (actions: ${forms.map((candidate) => JSON.stringify(candidate.action)).join(", ")})` : ""} and none is ${JSON.stringify(which)}`);
    }
    const values = { ...form.fields, ...fields };
    const action = new URL(form.action, page.url);
    if (form.method === "GET") {
      action.search = new URLSearchParams(values).toString();
      return this.request("GET", action.href, options.init);
    }
    return this.request(form.method, action.href, { ...options.init, form: values });
  }
}

function headerPairs(headers: TestRequestInit["headers"]): Array<[string, string]> {
  if (headers === undefined) return [];
  return Array.isArray(headers) ? headers : Object.entries(headers);
}
