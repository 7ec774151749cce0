// The one env core: Host parsing, SERVER_NAME/PORT, scheme and dropped params, the same for every server.
import { describe, expect, it } from "vitest";
import { EMPTY_INPUT, memorySink, requestUrl } from "tsgi";
import { addressName, copyParams, createEnv, finishEnv, headerFromUtf8, isValidHost, splitHost } from "../../src/gateway/env-core.js";
import { decodePairs, encodePairs } from "../../src/protocol/fastcgi/pairs.js";
import { LazyAbort } from "../../src/gateway/lazy-abort.js";

const base = { errors: memorySink(), multithread: true, multiprocess: false, runOnce: false, development: false };

function envOf(params: Record<string, string>): ReturnType<typeof createEnv> {
  const env = createEnv(base, EMPTY_INPUT, new LazyAbort());
  copyParams(env, params);
  return finishEnv(env, undefined);
}

describe("env core", () => {
  it("splits Host, keeping an IPv6 literal's brackets (RFC 3875 4.1.14)", () => {
    expect(splitHost("[::1]:8080")).toEqual(["[::1]", "8080"]);
    expect(splitHost("[::1]")).toEqual(["[::1]", ""]);
    expect(splitHost("example.com:80")).toEqual(["example.com", "80"]);
    expect(splitHost("example.com")).toEqual(["example.com", ""]);
    expect(addressName("::1")).toBe("[::1]");
    expect(addressName("::ffff:127.0.0.1")).toBe("127.0.0.1");
  });

  it("takes SERVER_NAME and SERVER_PORT from Host whatever the front server said; its own values without Host", () => {
    const env = envOf({ HTTP_HOST: "[::1]:8080" });
    expect([env.SERVER_NAME, env.SERVER_PORT]).toEqual(["[::1]", "8080"]);
    const front = envOf({ HTTP_HOST: "a.test:1", SERVER_NAME: "site.test", SERVER_PORT: "443" });
    expect([front.SERVER_NAME, front.SERVER_PORT]).toEqual(["a.test", "1"]);
    const noPort = envOf({ HTTP_HOST: "a.test", SERVER_NAME: "site.test", SERVER_PORT: "443" });
    expect([noPort.SERVER_NAME, noPort.SERVER_PORT]).toEqual(["a.test", "443"]);
    const noHost = envOf({ SERVER_NAME: "site.test", SERVER_PORT: "443" });
    expect([noHost.SERVER_NAME, noHost.SERVER_PORT]).toEqual(["site.test", "443"]);
  });

  it("judges and splits each Host value on its own, whatever value came before (the last one is remembered)", () => {
    const seen = ["a.test:1", "a.test:1", "b b", "[::1]:8", "b b", "a.test:1", "a.test"].map((host) => {
      const env = envOf({ HTTP_HOST: host });
      return [isValidHost(host), env.SERVER_NAME, env.SERVER_PORT];
    });
    expect(seen).toEqual([[true, "a.test", "1"], [true, "a.test", "1"], [false, "b b", ""], [true, "[::1]", "8"], [false, "b b", ""], [true, "a.test", "1"], [true, "a.test", ""]]);
  });

  it("joins a header sent twice (nginx repeats HTTP_COOKIE) and drops empty CONTENT_TYPE/CONTENT_LENGTH", () => {
    const env = createEnv(base, EMPTY_INPUT, new LazyAbort());
    copyParams(env, [["HTTP_COOKIE", "a=1"], ["HTTP_COOKIE", "b=2"], ["HTTP_X", "1"], ["HTTP_X", "2"], ["CONTENT_TYPE", ""], ["CONTENT_LENGTH", ""]]);
    expect([env.HTTP_COOKIE, env.HTTP_X, "CONTENT_TYPE" in env, "CONTENT_LENGTH" in env]).toEqual(["a=1; b=2", "1, 2", false, false]);
  });

  it("rebuilds URLs without double brackets, with or without Host", () => {
    const withHost = envOf({ HTTP_HOST: "[::1]:8080", PATH_INFO: "/x" });
    expect(requestUrl(withHost)).toBe("http://[::1]:8080/x");
    const noHost = envOf({ SERVER_NAME: "[::1]", SERVER_PORT: "8080", PATH_INFO: "/x" });
    expect(requestUrl(noHost)).toBe("http://[::1]:8080/x");
    const bare = envOf({ SERVER_NAME: "::1", SERVER_PORT: "8080", PATH_INFO: "/x" });
    expect(requestUrl(bare)).toBe("http://[::1]:8080/x");
  });

  it("never copies HTTP_PROXY, nginx's HTTP_CONTENT_* copies, FCGI_ROLE or tsgi.* params", () => {
    const env = envOf({ HTTP_PROXY: "x", HTTP_CONTENT_LENGTH: "1", FCGI_ROLE: "FILTER", "tsgi.run_once": "yes", HTTPS: "ON" });
    expect([env.HTTP_PROXY, env.HTTP_CONTENT_LENGTH, env.FCGI_ROLE, env["tsgi.run_once"]]).toEqual([undefined, undefined, undefined, false]);
    expect(env["tsgi.url_scheme"]).toBe("https");
  });

  it("gives every env the same keys in the same order, whatever the server", () => {
    const a = Object.keys(finishEnv(createEnv(base, EMPTY_INPUT, new LazyAbort()), undefined));
    const b = Object.keys(finishEnv(createEnv({ ...base, development: true }, EMPTY_INPUT, new LazyAbort()), undefined));
    expect(a).toEqual(b);
    expect(a).toContain("tsgi.signal");
    expect(a).toContain("tsgi.development");
  });

  it("without Host, takes SERVER_NAME from the front server's SERVER_ADDR", () => {
    expect(envOf({ SERVER_ADDR: "::1", SERVER_PORT: "80" }).SERVER_NAME).toBe("[::1]");
    expect(envOf({ SERVER_ADDR: "127.0.0.1" }).SERVER_NAME).toBe("127.0.0.1");
  });

  it("keeps header values one char per byte on every path, so reflected bytes stay the same bytes", () => {
    const bytes = Buffer.from("caf\u00e9", "utf8");
    const asNodeHttp = bytes.toString("latin1");
    expect(headerFromUtf8("caf\u00e9")).toBe(asNodeHttp);
    const pairs = decodePairs(encodePairs([["HTTP_X_NAME", "caf\u00e9"], ["PATH_INFO", "/caf\u00e9"]]), { maxCount: 10 });
    expect(pairs).toEqual([["HTTP_X_NAME", asNodeHttp], ["PATH_INFO", "/caf\u00e9"]]);
    const env = createEnv(base, EMPTY_INPUT, new LazyAbort());
    copyParams(env, { HTTP_X_NAME: "caf\u00e9", PATH_INFO: "/caf\u00e9" }, true);
    expect([env.HTTP_X_NAME, env.PATH_INFO]).toEqual([asNodeHttp, "/caf\u00e9"]);
  });
});
