// Envs from parameter lists: the generated path for a repeated layout gives exactly what the general path gives.
import { describe, expect, it } from "vitest";
import { EMPTY_INPUT, memorySink } from "tsgi";
import { copyParams, createEnv, finishEnv } from "../../src/gateway/env-core.js";
import { LazyAbort } from "../../src/gateway/lazy-abort.js";
import { ParamEnvBuilder } from "../../src/gateway/param-env.js";

const base = { errors: memorySink(), multithread: true, multiprocess: false, runOnce: false, development: false };

function reference(params: Array<[string, string]>, extra: Record<string, string>): Record<string, unknown> {
  const env = createEnv(base, EMPTY_INPUT, new LazyAbort()) as unknown as Record<string, unknown>;
  Object.assign(env, extra);
  copyParams(env as never, params);
  return finishEnv(env as never, undefined) as unknown as Record<string, unknown>;
}

/** Own string keys and values, signal left out (compared on its own). */
function entries(env: object): Array<[string, unknown]> {
  return Object.keys(env).filter((key) => key !== "tsgi.signal").sort().map((key) => [key, (env as Record<string, unknown>)[key]]);
}

const NGINX: Array<[string, string]> = [
  ["QUERY_STRING", "a=1"], ["REQUEST_METHOD", "POST"], ["CONTENT_TYPE", "text/plain"], ["CONTENT_LENGTH", "3"],
  ["SCRIPT_NAME", "/app"], ["REQUEST_URI", "/app?a=1"], ["DOCUMENT_ROOT", "/srv"], ["SERVER_PROTOCOL", "HTTP/1.1"],
  ["GATEWAY_INTERFACE", "CGI/1.1"], ["REMOTE_ADDR", "127.0.0.1"], ["REMOTE_PORT", "5555"], ["SERVER_ADDR", "127.0.0.1"],
  ["SERVER_PORT", "8080"], ["SERVER_NAME", "localhost"], ["HTTP_HOST", "a.test:8080"], ["HTTP_USER_AGENT", "caf\u00c3\u00a9"],
];

const LAYOUTS: Record<string, Array<[string, string]>> = {
  nginx: NGINX,
  "empty CONTENT_* left out": NGINX.map(([name, value]): [string, string] => [name, name.startsWith("CONTENT_") ? "" : value]),
  "dropped names": [["HTTP_PROXY", "http://evil"], ["tsgi.input", "x"], ["FCGI_ROLE", "FILTER"], ["HTTP_CONTENT_TYPE", "x"], ["PATH_INFO", "/p"]],
  "a repeated header is joined": [["HTTP_COOKIE", "a=1"], ["HTTP_COOKIE", "b=2"], ["HTTP_X", "1"], ["HTTP_X", "2"]],
  "names that are not identifiers": [["HTTP_X\"Y", "1"], ["HTTP_A\\B", "2"], ["HTTP_\u2028", "3"], ["constructor", "4"], ["toString", "5"], ["HTTP_\n", "6"]],
  "__proto__": [["__proto__", "x"], ["HTTP_HOST", "h"]],
  "no parameters": [],
};

describe("ParamEnvBuilder", () => {
  for (const [name, params] of Object.entries(LAYOUTS)) {
    it(`${name}: the same env on first sight, when the layout is learnt, and after`, () => {
      const envs = new ParamEnvBuilder(["FCGI_ROLE"]);
      const expected = entries(reference(params, { FCGI_ROLE: "RESPONDER" }));
      for (let i = 0; i < 4; i++) {
        const abort = new LazyAbort();
        const env = finishEnv(envs.build(base, EMPTY_INPUT, abort, params.map(([n, v]): [string, string] => [n, v]), ["RESPONDER"]), undefined);
        expect(entries(env)).toEqual(expected);
        expect(Object.keys(env)).toEqual(Object.keys(reference(params, { FCGI_ROLE: "RESPONDER" })));
        expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
        expect(Object.keys(env).at(-1)).toBe("tsgi.signal");
        // Learnt on the second sight: from then on the generated literal served the request.
        const generated = i >= 1 && !["a repeated header is joined", "__proto__"].includes(name);
        expect(envs.learnt).toBe(generated ? 1 : 0);
        const signal = env["tsgi.signal"];
        expect(signal.aborted).toBe(false);
        abort.abort(new Error("gone"));
        expect([signal.aborted, (signal.reason as Error).message]).toEqual([true, "gone"]);
      }
    });
  }

  it("gives every request its own env and its own values", () => {
    const envs = new ParamEnvBuilder();
    const made = [1, 2, 3, 4].map((n) => envs.build(base, EMPTY_INPUT, new LazyAbort(), [["HTTP_HOST", `h${n}`], ["PATH_INFO", `/${n}`]]));
    made[3]!.PATH_INFO = "/changed";
    expect(made.map((env) => [env.HTTP_HOST, env.PATH_INFO])).toEqual([["h1", "/1"], ["h2", "/2"], ["h3", "/3"], ["h4", "/changed"]]);
  });

  it("tells a layout from one that differs only in a value that decides a key (an empty CONTENT_LENGTH)", () => {
    const envs = new ParamEnvBuilder();
    const get: Array<[string, string]> = [["CONTENT_LENGTH", ""], ["REQUEST_METHOD", "GET"]];
    const post: Array<[string, string]> = [["CONTENT_LENGTH", "5"], ["REQUEST_METHOD", "POST"]];
    for (let i = 0; i < 3; i++) envs.build(base, EMPTY_INPUT, new LazyAbort(), get);
    expect("CONTENT_LENGTH" in envs.build(base, EMPTY_INPUT, new LazyAbort(), get)).toBe(false);
    for (let i = 0; i < 3; i++) expect(envs.build(base, EMPTY_INPUT, new LazyAbort(), post).CONTENT_LENGTH).toBe("5");
    expect("CONTENT_LENGTH" in envs.build(base, EMPTY_INPUT, new LazyAbort(), get)).toBe(false);
  });

  it("stays correct past the layouts it learns (the rest take the general path)", () => {
    const envs = new ParamEnvBuilder();
    for (let n = 0; n < 20; n++) {
      const params: Array<[string, string]> = [[`HTTP_X_${n}`, String(n)], ["PATH_INFO", "/p"]];
      for (let i = 0; i < 3; i++) expect(entries(envs.build(base, EMPTY_INPUT, new LazyAbort(), params))).toEqual(entries(reference(params, {})));
    }
  });

  it("refuses an extra key the parameters could set", () => {
    expect(() => new ParamEnvBuilder(["REMOTE_USER"])).toThrow(/must be one the parameters cannot set/);
  });
});
