import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { App, HeaderList } from "tsgi";
import { request } from "tsgi/testing";
import { compress, negotiateEncoding } from "tsgi/middleware/compress";

const big = "the quick brown fox jumps over the lazy dog. ".repeat(200);
const reply = (headers: HeaderList, body: string | AsyncIterable<string> = big, status = 200): App => () => ({ status, headers, body });
const text: HeaderList = [["content-type", "text/html; charset=utf-8"], ["etag", '"abc"']];

describe("compress", () => {
  it("brotli when accepted, with Vary, no Content-Length, a weakened ETag", async () => {
    const res = await request(compress()(reply([...text, ["content-length", String(big.length)]])), "GET", "/", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(res.header("content-encoding")).toBe("br");
    expect(res.header("vary")).toBe("Accept-Encoding");
    expect(res.header("content-length")).toBeUndefined();
    expect(res.header("etag")).toBe('W/"abc"');
    expect(res.bytes.byteLength).toBeLessThan(big.length / 10);
    expect(brotliDecompressSync(res.bytes).toString()).toBe(big);
  });

  it("gzip when brotli is refused or not offered, honouring q-values", async () => {
    const res = await request(compress()(reply(text)), "GET", "/", { headers: { "accept-encoding": "br;q=0, gzip;q=0.5" } });
    expect(res.header("content-encoding")).toBe("gzip");
    expect(gunzipSync(res.bytes).toString()).toBe(big);
    expect(negotiateEncoding("*", ["br", "gzip"])).toBe("br");
    expect(negotiateEncoding("identity", ["br", "gzip"])).toBeUndefined();
    expect(negotiateEncoding("gzip;q=0", ["gzip"])).toBeUndefined();
    expect(negotiateEncoding("GZIP;Q=1", ["gzip"])).toBe("gzip");
  });

  it("compresses a stream of unknown length", async () => {
    const stream = async function* () { for (let i = 0; i < 50; i++) yield big; };
    const res = await request(compress()(reply(text, stream())), "GET", "/", { headers: { "accept-encoding": "gzip" } });
    expect(res.header("content-encoding")).toBe("gzip");
    expect(gunzipSync(res.bytes).toString()).toBe(big.repeat(50));
  });

  it("skips small, already-encoded, no-transform, uncompressible, partial and bodiless replies", async () => {
    const ae = { headers: { "accept-encoding": "gzip, br" } };
    const cases: Array<[string, App]> = [
      ["small", reply(text, "tiny")],
      ["encoded", reply([...text, ["content-encoding", "gzip"]])],
      ["no-transform", reply([...text, ["cache-control", "public, no-transform"]])],
      ["png", reply([["content-type", "image/png"]])],
      ["zip", reply([["content-type", "application/zip"]])],
      ["no type", reply([])],
      ["event-stream", reply([["content-type", "text/event-stream"]])],
      ["206", reply([...text, ["content-range", "bytes 0-9/100"]], big, 206)],
      ["304", () => ({ status: 304, headers: [["etag", '"x"']], body: "" })],
    ];
    for (const [name, app] of cases) {
      const res = await request(compress()(app), "GET", "/", ae);
      expect(res.header("content-encoding"), name).toBe(name === "encoded" ? "gzip" : undefined);
    }
    const none = await request(compress()(reply(text)), "GET", "/");
    expect(none.header("content-encoding")).toBeUndefined();
    expect(none.header("vary")).toBe("Accept-Encoding");
    expect(none.text).toBe(big);
  });

  it("fails fast on bad levels", () => {
    expect(() => compress({ brotliQuality: 12 })).toThrow(/brotliQuality/);
    expect(() => compress({ gzipLevel: 0 })).toThrow(/gzipLevel/);
  });
});
