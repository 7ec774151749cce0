import { describe, expect, it } from "vitest";
import { EMPTY_INPUT, HttpError, RequestInput, addHeader, callApp, errorReply, readBody, requestUrl, type Env } from "tsgi";
import { envFromParams, type GatewayFields } from "../../src/gateway/params.js";
import { buildEnv, memorySink } from "tsgi/testing";

const fields = (extra: Partial<GatewayFields> = {}): GatewayFields => ({
  input: EMPTY_INPUT, errors: memorySink(), signal: new AbortController().signal,
  multithread: false, multiprocess: true, runOnce: true, ...extra,
});

describe("request headers to env", () => {
  it("drops Proxy (httpoxy) and names with underscores, joins repeats, Cookie with '; '", () => {
    const env: Record<string, unknown> = {};
    expect(addHeader(env, "proxy", "http://evil")).toBe(false);
    expect(addHeader(env, "x-a_b", "sneaky")).toBe(false);
    addHeader(env, "x-a-b", "1");
    addHeader(env, "x-a-b", "2");
    addHeader(env, "cookie", "a=1");
    addHeader(env, "cookie", "b=2");
    addHeader(env, "content-type", "text/plain");
    expect(env).toEqual({ HTTP_X_A_B: "1, 2", HTTP_COOKIE: "a=1; b=2", CONTENT_TYPE: "text/plain" });
  });
});

describe("CGI params to env", () => {
  it("drops HTTP_PROXY and nginx's HTTP_CONTENT_* copies, fills defaults and derives SERVER_NAME from Host", () => {
    const env = envFromParams({ REQUEST_METHOD: "POST", HTTP_PROXY: "x", HTTP_CONTENT_TYPE: "a/b", CONTENT_TYPE: "a/b", HTTP_HOST: "[::1]:8080", PATH_INFO: "/a" }, fields());
    expect(env.HTTP_PROXY).toBeUndefined();
    expect(env.HTTP_CONTENT_TYPE).toBeUndefined();
    expect(env.CONTENT_TYPE).toBe("a/b");
    expect(env.SERVER_NAME).toBe("[::1]");
    expect(env.QUERY_STRING).toBe("");
    expect(env["tsgi.run_once"]).toBe(true);
  });

  it("re-splits nginx's whole-path SCRIPT_NAME at a configured mount, at a segment boundary only", () => {
    const nginx = { SCRIPT_NAME: "/app/books/1", REQUEST_URI: "/app/books/1?x=2", QUERY_STRING: "x=2" };
    const mounted = envFromParams(nginx, fields({ scriptName: "/app" }));
    expect([mounted.SCRIPT_NAME, mounted.PATH_INFO]).toEqual(["/app", "/books/1"]);
    const root = envFromParams(nginx, fields({ scriptName: "" }));
    expect([root.SCRIPT_NAME, root.PATH_INFO]).toEqual(["", "/app/books/1"]);
    const other = envFromParams({ SCRIPT_NAME: "/application", REQUEST_URI: "/application" }, fields({ scriptName: "/app" }));
    expect([other.SCRIPT_NAME, other.PATH_INFO]).toEqual(["/application", ""]);
  });

  it("never slices with a negative index when the mount is longer than the path (CVE-2019-11043)", () => {
    const env = envFromParams({ SCRIPT_NAME: "/a", REQUEST_URI: "/a%0a" }, fields({ scriptName: "/a/very/long/mount" }));
    expect(env.SCRIPT_NAME).toBe("/a");
    expect(env.PATH_INFO).toBe("");
  });
});

describe("errors carry their own status and exposure", () => {
  it("shows an HttpError's message below 500 and hides it at 500 and for plain errors", async () => {
    const notFound = errorReply(new HttpError(404, "no book 42"));
    expect([notFound.status, notFound.body]).toEqual([404, "no book 42\n"]);
    expect(errorReply(new HttpError(503, "redis at 10.0.0.1 is down")).body).toBe("Service Unavailable\n");
    expect(errorReply(new Error("db password wrong")).body).toBe("Internal Server Error\n");
    expect(String(errorReply(new Error("trace me"), true).body)).toContain("trace me");
  });

  it("callApp turns throws and non-replies into logged 500s", async () => {
    const env = buildEnv("GET", "/x");
    const thrown = await callApp(() => { throw new Error("kaboom"); }, env);
    expect(thrown.status).toBe(500);
    const bad = await callApp((() => "oops") as unknown as Parameters<typeof callApp>[0], env);
    expect(bad.status).toBe(500);
    expect((env["tsgi.test_log"] as string[]).join("\n")).toMatch(/kaboom[\s\S]*returned string instead of a reply/);
  });
});

describe("bodies", () => {
  it("reads the input once and names the fix on a second read", async () => {
    const input = new RequestInput((async function* () { yield new Uint8Array([1, 2]); })());
    const env = { ...buildEnv("POST", "/"), "tsgi.input": input } as Env;
    expect(await readBody(env)).toEqual(new Uint8Array([1, 2]));
    expect(() => input[Symbol.asyncIterator]()).toThrow(/already read; read it once with readBody/);
  });

  it("refuses a body over the limit by declared length and by bytes read", async () => {
    await expect(readBody(buildEnv("POST", "/", { body: "x".repeat(100) }), { limit: 10 })).rejects.toMatchObject({ status: 413 });
    const env = buildEnv("POST", "/", { body: "x".repeat(100) });
    delete env.CONTENT_LENGTH;
    await expect(readBody(env, { limit: 10 })).rejects.toThrow(/exceeds the limit of 10 bytes/);
  });
});

describe("requestUrl", () => {
  it("rebuilds the URL from scheme, host, the encoded path and the query", () => {
    const env = buildEnv("GET", "https://shop.test/api/a%20b?q=1", { scriptName: "/api" });
    expect(requestUrl(env)).toBe("https://shop.test/api/a%20b?q=1");
  });
});
