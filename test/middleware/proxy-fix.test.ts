import { describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { request } from "tsgi/testing";
import { PROXY_ORIGINAL_KEY, proxyFix } from "tsgi/middleware/proxy-fix";

const show: App = (env) => ({
  status: 200, headers: [["content-type", "application/json"]],
  body: JSON.stringify({ addr: env.REMOTE_ADDR, scheme: env["tsgi.url_scheme"], https: env.HTTPS ?? null, host: env.HTTP_HOST, name: env.SERVER_NAME, port: env.SERVER_PORT, script: env.SCRIPT_NAME, path: env.PATH_INFO }),
});

describe("proxyFix", () => {
  it("takes the client address and scheme from one trusted proxy", async () => {
    const reply = await request(proxyFix({ proxies: ["10.0.0.0/8"] })(show), "GET", "/x", { remoteAddr: "10.0.0.1", headers: { "x-forwarded-for": "198.51.100.7, 203.0.113.9", "x-forwarded-proto": "https" } });
    expect(reply.json()).toMatchObject({ addr: "203.0.113.9", scheme: "https", https: "on" });
  });

  it("uses the entry as many hops from the right as there are proxies, so a client cannot spoof it", async () => {
    const two = proxyFix({ for: 2 })(show);
    expect((await request(two, "GET", "/", { headers: { "x-forwarded-for": "1.1.1.1, 198.51.100.7, 10.0.0.2" } })).json()).toMatchObject({ addr: "198.51.100.7" });
    expect((await request(two, "GET", "/", { headers: { "x-forwarded-for": "198.51.100.7" } })).json()).toMatchObject({ addr: "127.0.0.1" });
  });

  it("sets host, port and prefix when configured, and keeps the originals", async () => {
    let original: unknown;
    const app = proxyFix({ host: 1, port: 1, prefix: 1 })((env) => { original = env[PROXY_ORIGINAL_KEY]; return show(env); });
    const reply = await request(app, "GET", "http://internal:8000/books", { headers: { "x-forwarded-host": "shop.example.com", "x-forwarded-proto": "https", "x-forwarded-port": "8443", "x-forwarded-prefix": "/penny/" } });
    expect(reply.json()).toMatchObject({ host: "shop.example.com:8443", name: "shop.example.com", port: "8443", script: "/penny", path: "/books", scheme: "https" });
    expect(original).toMatchObject({ HTTP_HOST: "internal:8000", SCRIPT_NAME: "" });
  });

  it("ignores malformed values and headers it was not told to trust", async () => {
    const app = proxyFix({ host: 1, prefix: 1 })(show);
    const bad = await request(app, "GET", "http://internal/x", { headers: {
      "x-forwarded-for": "not-an-ip", "x-forwarded-proto": "gopher", "x-forwarded-host": "evil.com/path", "x-forwarded-prefix": "/a/../b", "x-forwarded-port": "443",
    } });
    expect(bad.json()).toMatchObject({ addr: "127.0.0.1", scheme: "http", host: "internal", script: "", port: "80" });
    const bad2 = await request(app, "GET", "http://internal/x", { headers: { "x-forwarded-host": "a b", "x-forwarded-prefix": "no-slash" } });
    expect(bad2.json()).toMatchObject({ host: "internal", script: "" });
  });

  it("believes only listed proxies when given", async () => {
    const app = proxyFix({ proxies: ["10.0.0.1"] })(show);
    const headers = { "x-forwarded-for": "198.51.100.7" };
    expect((await request(app, "GET", "/", { remoteAddr: "10.0.0.1", headers })).json()).toMatchObject({ addr: "198.51.100.7" });
    expect((await request(app, "GET", "/", { remoteAddr: "10.0.0.99", headers })).json()).toMatchObject({ addr: "10.0.0.99" });
    expect(() => proxyFix({ for: -1 })).toThrow(/whole number/);
  });

  it("turns https off again when the proxy says http", async () => {
    const reply = await request(proxyFix()(show), "GET", "https://example.com/", { headers: { "x-forwarded-proto": "http" } });
    expect(reply.json()).toMatchObject({ scheme: "http", https: null });
  });

  it("by default believes only this machine: loopback and unix-socket peers (issue 12 item 10)", async () => {
    const headers = { "x-forwarded-for": "198.51.100.7", "x-forwarded-proto": "https" };
    const app = proxyFix()(show);
    for (const peer of ["203.0.113.5", "10.0.0.1", "192.168.1.2", "2001:db8::1", "::ffff:10.0.0.1"]) {
      expect((await request(app, "GET", "/", { remoteAddr: peer, headers })).json(), peer).toMatchObject({ addr: peer, scheme: "http", https: null });
    }
    for (const peer of ["127.0.0.1", "127.3.4.5", "::1", "::ffff:127.0.0.1", ""]) {
      expect((await request(app, "GET", "/", { remoteAddr: peer, headers })).json(), peer).toMatchObject({ addr: "198.51.100.7", scheme: "https", https: "on" });
    }
  });

  it("widens trust only when told: CIDR ranges, unix alone, or any peer", async () => {
    const headers = { "x-forwarded-for": "198.51.100.7" };
    const addr = async (app: App, remoteAddr: string): Promise<unknown> => (await request(app, "GET", "/", { remoteAddr, headers })).json();
    const lan = proxyFix({ proxies: ["loopback", "10.0.0.0/8", "fd00::/8"] })(show);
    expect(await addr(lan, "10.9.8.7")).toMatchObject({ addr: "198.51.100.7" });
    expect(await addr(lan, "fd12::5")).toMatchObject({ addr: "198.51.100.7" });
    expect(await addr(lan, "127.0.0.1")).toMatchObject({ addr: "198.51.100.7" });
    expect(await addr(lan, "11.0.0.1")).toMatchObject({ addr: "11.0.0.1" });
    const unix = proxyFix({ proxies: ["unix"] })(show);
    expect(await addr(unix, "")).toMatchObject({ addr: "198.51.100.7" });
    expect(await addr(unix, "127.0.0.1")).toMatchObject({ addr: "127.0.0.1" });
    expect(await addr(proxyFix({ proxies: "any" })(show), "203.0.113.5")).toMatchObject({ addr: "198.51.100.7" });
    expect(() => proxyFix({ proxies: ["10.0.0.0/33"] })).toThrow(/CIDR range/);
    expect(() => proxyFix({ proxies: ["nginx"] })).toThrow(/not an IP address/);
    expect(() => proxyFix({ proxies: "everyone" as "any" })).toThrow(/"loopback", "any" or a list/);
  });
});
