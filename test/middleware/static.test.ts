import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { request } from "tsgi/testing";
import { parseRange, staticFiles } from "tsgi/middleware/static";
import { tempDir } from "../support/daemon.js";

const dir = tempDir("tsgi-static-");
const root = join(dir.path, "public");
mkdirSync(join(root, "docs"), { recursive: true });
mkdirSync(join(root, ".git"));
writeFileSync(join(root, "hello.txt"), "hello, world\n");
writeFileSync(join(root, "style.css"), "body{}");
writeFileSync(join(root, "index.html"), "<h1>home</h1>");
writeFileSync(join(root, "docs", "index.html"), "<h1>docs</h1>");
writeFileSync(join(root, ".env"), "SECRET=1");
writeFileSync(join(root, "big.bin"), Buffer.alloc(200_000, 7));
writeFileSync(join(dir.path, "secret.txt"), "outside the root");
symlinkSync(join(dir.path, "secret.txt"), join(root, "escape.txt"));
symlinkSync(dir.path, join(root, "up"));
symlinkSync(join(root, "hello.txt"), join(root, "alias.txt"));
const mtime = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
utimesSync(join(root, "hello.txt"), mtime, mtime);
afterAll(() => dir.remove());

const fallback: App = (env) => ({ status: 404, headers: [["content-type", "text/plain"]], body: `app: ${env.PATH_INFO}` });
const site = staticFiles({ root })(fallback);

describe("staticFiles", () => {
  it("serves a file with its type, length and validators", async () => {
    const reply = await request(site, "GET", "/hello.txt");
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("hello, world\n");
    expect(reply.header("content-type")).toBe("text/plain; charset=utf-8");
    expect(reply.header("content-length")).toBe("13");
    expect(reply.header("last-modified")).toBe(mtime.toUTCString());
    expect(reply.header("etag")).toMatch(/^"[0-9a-f]+-d"$/);
    expect((await request(site, "GET", "/style.css")).header("content-type")).toBe("text/css; charset=utf-8");
    const head = await request(site, "HEAD", "/hello.txt");
    expect(head.text).toBe("");
    expect(head.header("content-length")).toBe("13");
  });

  it("answers 304 to If-None-Match and If-Modified-Since", async () => {
    const etag = (await request(site, "GET", "/hello.txt")).header("etag") as string;
    const byTag = await request(site, "GET", "/hello.txt", { headers: { "if-none-match": `"other", ${etag}` } });
    expect(byTag.status).toBe(304);
    expect(byTag.text).toBe("");
    expect(byTag.header("etag")).toBe(etag);
    expect((await request(site, "GET", "/hello.txt", { headers: { "if-none-match": `W/${etag}` } })).status).toBe(304);
    expect((await request(site, "GET", "/hello.txt", { headers: { "if-none-match": '"nope"' } })).status).toBe(200);
    expect((await request(site, "GET", "/hello.txt", { headers: { "if-modified-since": mtime.toUTCString() } })).status).toBe(304);
    expect((await request(site, "GET", "/hello.txt", { headers: { "if-modified-since": new Date(mtime.getTime() - 1000).toUTCString() } })).status).toBe(200);
    expect((await request(site, "GET", "/hello.txt", { headers: { "if-modified-since": "garbage" } })).status).toBe(200);
  });

  it("serves byte ranges, and 416 for unsatisfiable ones", async () => {
    const part = await request(site, "GET", "/hello.txt", { headers: { range: "bytes=0-4" } });
    expect(part.status).toBe(206);
    expect(part.text).toBe("hello");
    expect(part.header("content-range")).toBe("bytes 0-4/13");
    expect((await request(site, "GET", "/hello.txt", { headers: { range: "bytes=-6" } })).text).toBe("world\n");
    expect((await request(site, "GET", "/hello.txt", { headers: { range: "bytes=7-" } })).text).toBe("world\n");
    expect((await request(site, "GET", "/hello.txt", { headers: { range: "bytes=7-1000" } })).header("content-range")).toBe("bytes 7-12/13");
    const beyond = await request(site, "GET", "/hello.txt", { headers: { range: "bytes=9999-" } });
    expect(beyond.status).toBe(416);
    expect(beyond.header("content-range")).toBe("bytes */13");
    for (const ignored of ["bytes=0-1,3-4", "items=0-1", "bytes=5-2", "bytes=abc"]) {
      expect((await request(site, "GET", "/hello.txt", { headers: { range: ignored } })).status, ignored).toBe(200);
    }
    const stale = await request(site, "GET", "/hello.txt", { headers: { range: "bytes=0-4", "if-range": '"old"' } });
    expect(stale.status).toBe(200);
    const big = await request(site, "GET", "/big.bin", { headers: { range: "bytes=100000-" } });
    expect(big.status).toBe(206);
    expect(big.bytes.byteLength).toBe(100_000);
    expect((await request(site, "GET", "/big.bin")).bytes.byteLength).toBe(200_000);
  });

  it("serves index files and redirects a directory without its slash", async () => {
    expect((await request(site, "GET", "/")).text).toBe("<h1>home</h1>");
    expect((await request(site, "GET", "/docs/")).text).toBe("<h1>docs</h1>");
    const redirect = await request(site, "GET", "/shop/docs?x=1", { scriptName: "/shop" });
    expect(redirect.status).toBe(301);
    expect(redirect.header("location")).toBe("/shop/docs/?x=1");
  });

  it("refuses NUL bytes, .. segments and symlinks out of the root, and hides dotfiles", async () => {
    expect((await request(site, "GET", "/hello.txt%00.png")).status).toBe(400);
    for (const path of ["/../secret.txt", "/docs/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/docs/..%5c..%5csecret.txt"]) {
      const reply = await request(site, "GET", path);
      expect([403, 404], path).toContain(reply.status);
      expect(reply.text).not.toContain("outside the root");
      // As a server that does not normalize the URL would pass it:
      const raw = await request(site, "GET", "/x", { env: { PATH_INFO: decodeURIComponent(path) } });
      expect(raw.status, path).toBe(403);
    }
    for (const path of ["/escape.txt", "/up/secret.txt", "/.env", "/.git/", "/missing.txt"]) {
      const reply = await request(site, "GET", path);
      expect(reply.text, path).toMatch(/^app: /);
    }
    expect((await request(site, "GET", "/alias.txt")).text).toBe("hello, world\n");
  });

  it("passes other methods and paths outside the prefix to the app", async () => {
    const prefixed = staticFiles({ root, prefix: "/static", maxAge: 600, immutable: true })(fallback);
    expect((await request(prefixed, "GET", "/static/hello.txt")).header("cache-control")).toBe("public, max-age=600, immutable");
    expect((await request(prefixed, "GET", "/hello.txt")).text).toBe("app: /hello.txt");
    expect((await request(prefixed, "POST", "/static/hello.txt")).text).toBe("app: /static/hello.txt");
    const typed = staticFiles({ root, types: { ".TXT": "text/x-custom" } })(fallback);
    expect((await request(typed, "GET", "/hello.txt")).header("content-type")).toBe("text/x-custom");
    expect((await request(typed, "GET", "/big.bin")).header("content-type")).toBe("application/octet-stream");
    expect(() => staticFiles({ root, types: { x: "a\r\nb" } })).toThrow(/CR, LF/);
  });

  it("fails fast on a missing root", () => {
    expect(() => staticFiles({ root: join(dir.path, "nope") })).toThrow(/does not exist/);
  });

  it("parses ranges per RFC 9110", () => {
    expect(parseRange("bytes=0-0", 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange("bytes=-0", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=-20", 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
  });
});
