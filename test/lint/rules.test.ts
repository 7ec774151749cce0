// One failing case per lint rule; a rule added without a case here fails the coverage test.
import { describe, expect, it } from "vitest";
import type { App, Env, Reply } from "tsgi";
import { checkEnv, lint, LintError, RULES } from "tsgi/lint";
import { buildEnv } from "tsgi/testing";

const ok: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "ok" });
type Mutable = Record<string, unknown>;

/** Env cases: a mutation that breaks exactly the named rule, and the message fragment expected. */
const envCases: Array<[rule: string, mutate: (env: Mutable) => void, message: string | RegExp]> = [
  ["env.request-method", (env) => { env.REQUEST_METHOD = "G T"; }, 'REQUEST_METHOD must be a method token like "GET"; got "G T"'],
  ["env.script-name", (env) => { env.SCRIPT_NAME = "/app/"; env.PATH_INFO = "/x"; }, /SCRIPT_NAME must be "" or start with "\/" and not end with "\/"/],
  ["env.path-info", (env) => { env.PATH_INFO = "x"; }, 'PATH_INFO must be "" or start with "/"; got "x"'],
  ["env.path-not-empty", (env) => { env.SCRIPT_NAME = ""; env.PATH_INFO = ""; }, /both empty/],
  ["env.query-string", (env) => { env.QUERY_STRING = "?a=1"; }, 'QUERY_STRING must not start with "?"'],
  ["env.server-name", (env) => { env.SERVER_NAME = 5; }, "SERVER_NAME must be a string; got number 5"],
  ["env.server-port", (env) => { env.SERVER_PORT = "80a"; }, 'SERVER_PORT must be a decimal string like "8080"; got "80a"'],
  ["env.server-protocol", (env) => { delete env.SERVER_PROTOCOL; }, "SERVER_PROTOCOL must be a string; got undefined"],
  ["env.gateway-interface", (env) => { env.GATEWAY_INTERFACE = "CGI/1.0"; }, 'GATEWAY_INTERFACE must be "CGI/1.1"'],
  ["env.remote-addr", (env) => { env.REMOTE_PORT = "x1"; }, 'REMOTE_PORT must be a decimal string; got "x1"'],
  ["env.content-length", (env) => { env.CONTENT_LENGTH = "12.5"; }, "CONTENT_LENGTH must be a decimal string; got 12.5"],
  ["env.content-type", (env) => { env.CONTENT_TYPE = 5; }, "CONTENT_TYPE must be a string or absent"],
  ["env.https", (env) => { env.HTTPS = "on"; }, /HTTPS is "on" but tsgi.url_scheme is "http"/],
  ["env.meta-strings", (env) => { env.SESSION = { user: 1 }; }, /SESSION must be a string .*namespace other values, e.g. "myapp.session"/],
  ["env.http-headers", (env) => { env["HTTP_x-foo"] = "1"; }, /HTTP_x-foo is not a valid header variable/],
  ["env.no-http-content", (env) => { env.HTTP_CONTENT_TYPE = "text/plain"; }, /use CONTENT_TYPE and CONTENT_LENGTH/],
  ["env.httpoxy", (env) => { env.HTTP_PROXY = "http://evil"; }, /HTTP_PROXY must not reach the app/],
  ["gateway.version", (env) => { env["tsgi.version"] = [2, 0]; }, /tsgi.version must be \[1, 0\]/],
  ["gateway.url-scheme", (env) => { env["tsgi.url_scheme"] = "ftp"; }, 'tsgi.url_scheme must be "http" or "https"; got "ftp"'],
  ["gateway.input", (env) => { env["tsgi.input"] = "body"; }, /tsgi.input must be an async iterable of Uint8Array/],
  ["gateway.errors", (env) => { env["tsgi.errors"] = {}; }, /tsgi.errors must be an object with write/],
  ["gateway.signal", (env) => { env["tsgi.signal"] = {}; }, /tsgi.signal must be an AbortSignal/],
  ["gateway.flags", (env) => { env["tsgi.run_once"] = "yes"; }, 'tsgi.run_once must be a boolean; got "yes"'],
];

/** Reply cases: an app returning a reply that breaks the named rule. */
const replyCases: Array<[rule: string, reply: unknown, message: string | RegExp]> = [
  ["reply.object", null, "the app must return { status, headers, body }; got null"],
  ["reply.status", { status: 42, headers: [] }, "status must be an integer from 200 to 599; got number 42"],
  ["reply.status", { status: 103, headers: [] }, /got number 103 \(a 1xx status cannot be a final reply\)/],
  ["reply.headers", { status: 200, headers: { "content-type": "text/plain" } }, /headers must be an array of \[name, value\] pairs \(not an object or Headers\)/],
  ["reply.header-name", { status: 200, headers: [["bad name", "x"]] }, 'header name "bad name" is not a token'],
  ["reply.header-value", { status: 200, headers: [["x-a", "1\r\nset-cookie: evil=1"]] }, /header x-a: its value holds CR at index 1/],
  ["reply.header-value", { status: 200, headers: [["location", "/\u010d\u010aset-cookie: evil=1"]] }, /header location: its value holds U\+010D .*percent-encode/],
  ["reply.header-value", { status: 200, headers: [["x-a", "bell\u0007"]] }, /U\+0007/],
  ["reply.no-status-header", { status: 200, headers: [["Status", "404"]] }, "remove the Status header and set reply.status instead"],
  ["reply.no-hop-by-hop", { status: 200, headers: [["Transfer-Encoding", "chunked"]] }, /remove the Transfer-Encoding header/],
  ["reply.content-length", { status: 200, headers: [["content-length", "3"]], body: "hello" }, "content-length says 3 but the body has 5 bytes; drop the header and let the server count"],
  ["reply.content-length", { status: 200, headers: [["content-length", "5"], ["Content-Length", "5"]], body: "hello" }, /given 2 times/],
  ["reply.no-body-status", { status: 204, headers: [], body: "x" }, "a 204 reply must not have a body; remove it or change the status"],
  ["reply.body", { status: 200, headers: [], body: 42 }, /body must be a string, Uint8Array or an \(async\) iterable of them; got number 42/],
];

function lintError(error: unknown): LintError {
  expect(error).toBeInstanceOf(LintError);
  return error as LintError;
}

async function runLinted(app: App, env: Env): Promise<Reply> {
  const reply = await lint()(app)(env);
  const body = reply.body as AsyncIterable<unknown> | undefined;
  if (body !== undefined && typeof body === "object" && body !== null && Symbol.asyncIterator in body) {
    for await (const _chunk of body) { /* drain, so chunk rules run */ }
  }
  return reply;
}

describe("lint: env rules (the server's side)", () => {
  it("accepts the env the test client builds", async () => {
    const reply = await runLinted(ok, buildEnv("GET", "/a?b=1", { headers: { cookie: "x=1" } }));
    expect(reply.status).toBe(200);
  });

  it("[env.object] refuses a Map", () => {
    try {
      checkEnv(new Map() as unknown as Env);
      expect.unreachable();
    } catch (error) {
      const lintErr = lintError(error);
      expect(lintErr.rule).toBe("env.object");
      expect(lintErr.culprit).toBe("server");
    }
  });

  it.each(envCases)("[%s]", async (rule, mutate, message) => {
    const env = buildEnv("GET", "/path?q=1");
    mutate(env as unknown as Mutable);
    const error = await runLinted(ok, env).then(() => undefined, (thrown: unknown) => thrown);
    const lintErr = lintError(error);
    expect(lintErr.rule).toBe(rule);
    expect(lintErr.culprit).toBe("server");
    expect(lintErr.message).toMatch(typeof message === "string" ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : message);
  });
});

describe("lint: reply rules (the app's side)", () => {
  it.each(replyCases)("[%s]", async (rule, reply, message) => {
    const error = await runLinted(() => reply as Reply, buildEnv("GET", "/")).then(() => undefined, (thrown: unknown) => thrown);
    const lintErr = lintError(error);
    expect(lintErr.rule).toBe(rule);
    expect(lintErr.culprit).toBe("app");
    expect(lintErr.message).toMatch(typeof message === "string" ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : message);
  });

  it("[body.chunk] refuses a streamed chunk that is not text or bytes", async () => {
    async function* body(): AsyncGenerator<unknown> { yield "fine"; yield 7; }
    const error = await runLinted(() => ({ status: 200, headers: [], body: body() as AsyncIterable<string> }), buildEnv("GET", "/"))
      .then(() => undefined, (thrown: unknown) => thrown);
    expect(lintError(error).rule).toBe("body.chunk");
    expect((error as Error).message).toContain("a body chunk must be a string or Uint8Array; got number 7");
  });

  it("lets HEAD replies keep a content-length that describes the GET body", async () => {
    const reply = await runLinted(() => ({ status: 200, headers: [["content-length", "5"]] }), buildEnv("HEAD", "/"));
    expect(reply.status).toBe(200);
  });
});

describe("lint: input and errors", () => {
  it("[input.once] refuses a second read of tsgi.input", async () => {
    const app: App = async (env) => {
      for await (const _chunk of env["tsgi.input"]) { /* first read */ }
      for await (const _chunk of env["tsgi.input"]) { /* second read */ }
      return { status: 200, headers: [] };
    };
    const error = await runLinted(app, buildEnv("POST", "/", { body: "abc" })).then(() => undefined, (thrown: unknown) => thrown);
    expect(lintError(error).rule).toBe("input.once");
    expect(lintError(error).culprit).toBe("app");
  });

  it("[input.chunk] refuses a server input yielding strings", async () => {
    const env = buildEnv("POST", "/", { body: "abc" });
    env["tsgi.input"] = (async function* () { yield "abc"; })() as unknown as AsyncIterable<Uint8Array>;
    const app: App = async (inner) => {
      for await (const _chunk of inner["tsgi.input"]) { /* read */ }
      return { status: 200, headers: [] };
    };
    const error = await runLinted(app, env).then(() => undefined, (thrown: unknown) => thrown);
    expect(lintError(error).rule).toBe("input.chunk");
    expect(lintError(error).culprit).toBe("server");
  });

  it("[input.length] refuses an input that ends normally before CONTENT_LENGTH", async () => {
    const env = buildEnv("POST", "/", { body: "abc" });
    env.CONTENT_LENGTH = "10";
    const app: App = async (inner) => {
      for await (const _chunk of inner["tsgi.input"]) { /* read */ }
      return { status: 200, headers: [] };
    };
    const error = await runLinted(app, env).then(() => undefined, (thrown: unknown) => thrown);
    expect(lintError(error).rule).toBe("input.length");
    expect((error as Error).message).toContain("tsgi.input ended after 3 of 10 bytes");
  });

  it("[input.length] refuses an input that yields more than CONTENT_LENGTH", async () => {
    const env = buildEnv("POST", "/", { body: "abcdef" });
    env.CONTENT_LENGTH = "2";
    const app: App = async (inner) => {
      for await (const _chunk of inner["tsgi.input"]) { /* read */ }
      return { status: 200, headers: [] };
    };
    const error = await runLinted(app, env).then(() => undefined, (thrown: unknown) => thrown);
    expect((error as Error).message).toContain("yielded 6 bytes but CONTENT_LENGTH is 2");
  });

  it("[errors.write] refuses a non-string message", async () => {
    const app: App = (env) => {
      env["tsgi.errors"].write({ oops: true } as unknown as string);
      return { status: 200, headers: [] };
    };
    const error = await runLinted(app, buildEnv("GET", "/")).then(() => undefined, (thrown: unknown) => thrown);
    expect(lintError(error).rule).toBe("errors.write");
  });
});

describe("lint: coverage", () => {
  it("has a failing case for every rule", () => {
    const covered = new Set([
      "env.object", "body.chunk", "input.once", "input.chunk", "input.length", "errors.write",
      ...envCases.map(([rule]) => rule), ...replyCases.map(([rule]) => rule),
    ]);
    expect(RULES.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it("gives every rule a unique id and a MUST/SHOULD/MAY sentence", () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) expect(rule.spec).toMatch(/\b(MUST|SHOULD|MAY)\b/);
  });
});
