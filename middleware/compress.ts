/**
 * `tsgi/middleware/compress`: gzip and brotli response compression with node:zlib (no extra package:
 * zlib ships with Node and its brotli and gzip are the reference C libraries).
 *
 * Compresses when the client accepts it (`Accept-Encoding`, q-values honoured), the type compresses
 * (text, JSON, JavaScript, XML, SVG, wasm...), the body is at least `threshold` bytes (streams of unknown
 * length always qualify), and the reply is not already encoded, a range, or marked `no-transform`.
 *
 * @example
 * ```ts
 * import { compress } from "tsgi/middleware/compress";
 * export default compress({ threshold: 1024 })(app);
 * ```
 * @module
 */
import { Readable, pipeline } from "node:stream";
import { promisify } from "node:util";
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip, type BrotliOptions, type ZlibOptions } from "node:zlib";
import { replyChunks, type App, type Env, type Middleware, type Reply } from "tsgi";
import { wholeBodySize } from "./lib/bytes.js";
import { appendToken, getHeader, withHeader, withoutHeader } from "./lib/headers.js";

/** Options for {@link compress}. */
export interface CompressOptions {
  /** Smallest whole body compressed, in bytes. Default 1024. */
  threshold?: number;
  /** Encodings offered, in order of preference. Default `["br", "gzip"]`. */
  encodings?: ReadonlyArray<"br" | "gzip">;
  /** Brotli quality 0–11. Default 4 (fast, still smaller than gzip -6). */
  brotliQuality?: number;
  /** gzip level 1–9. Default 6. */
  gzipLevel?: number;
  /** Decides by Content-Type whether to compress; default: text, JSON, JS, XML, SVG, wasm, fonts. */
  compressible?: (contentType: string) => boolean;
}

const COMPRESSIBLE = /^(text\/(?!event-stream)|application\/(json|javascript|ecmascript|xml|wasm|manifest\+json|ld\+json|problem\+json|x-www-form-urlencoded|graphql|[\w.+-]+\+(json|xml))|image\/svg\+xml|font\/(ttf|otf)|image\/(x-icon|vnd\.microsoft\.icon|bmp))/i;

/** Picks an encoding from `Accept-Encoding` (RFC 9110 12.5.3): the server's preference among q > 0. */
export function negotiateEncoding(header: string | undefined, offered: readonly string[]): string | undefined {
  if (header === undefined || header === "") return undefined;
  const quality = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = q === undefined ? 1 : Number(q.slice(2));
    if (name !== "") quality.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  for (const encoding of offered) {
    const q = quality.get(encoding) ?? quality.get("*");
    if (q !== undefined && q > 0) return encoding;
  }
  return undefined;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Compression middleware (gzip and brotli), adding `Vary: Accept-Encoding`. */
export function compress(options: CompressOptions = {}): Middleware {
  const threshold = options.threshold ?? 1024;
  const offered = options.encodings ?? ["br", "gzip"];
  const quality = options.brotliQuality ?? 4;
  const level = options.gzipLevel ?? 6;
  if (!Number.isInteger(quality) || quality < 0 || quality > 11) throw new RangeError(`brotliQuality must be 0–11; got ${quality}`);
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new RangeError(`gzipLevel must be 1–9; got ${level}`);
  const compressible = options.compressible ?? ((type: string) => COMPRESSIBLE.test(type));
  const gzipOptions: ZlibOptions = { level };
  const brotliOptions = (size?: number): BrotliOptions => ({
    params: { [constants.BROTLI_PARAM_QUALITY]: quality, ...(size !== undefined ? { [constants.BROTLI_PARAM_SIZE_HINT]: size } : {}) },
  });

  return (app: App): App => async (env: Env): Promise<Reply> => {
    const reply = await app(env);
    const type = getHeader(reply.headers, "content-type");
    const status = reply.status;
    if (type === undefined || !compressible(type) || status < 200 || status === 204 || status === 206 || status === 304) return reply;
    if (getHeader(reply.headers, "content-encoding") !== undefined) return reply;
    if (/(^|,)\s*no-transform\s*(,|$)/i.test(getHeader(reply.headers, "cache-control") ?? "")) return reply;
    const headers = appendToken(reply.headers, "vary", "Accept-Encoding");
    const size = wholeBodySize(reply.body);
    const encoding = negotiateEncoding(env.HTTP_ACCEPT_ENCODING, offered);
    if (encoding === undefined || (size !== undefined && size < threshold) || env.REQUEST_METHOD === "HEAD") return { ...reply, headers };

    let out = withHeader(withoutHeader(headers, "content-length"), "content-encoding", encoding);
    const etag = getHeader(out, "etag");
    if (etag !== undefined && !etag.startsWith("W/")) out = withHeader(out, "etag", "W/" + etag);

    const body = reply.body;
    if (size !== undefined && body !== null && body !== undefined && (typeof body === "string" || body instanceof Uint8Array)) {
      const compressed = encoding === "br" ? await brotliAsync(body, brotliOptions(size)) : await gzipAsync(body, gzipOptions);
      return { status, headers: out, body: new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength) };
    }
    const encoder = encoding === "br" ? createBrotliCompress(brotliOptions()) : createGzip(gzipOptions);
    // pipeline() destroys the source when the client goes away and the server discards the stream.
    const stream = pipeline(Readable.from(replyChunks(reply.body)), encoder, () => {});
    return { status, headers: out, body: stream as AsyncIterable<Uint8Array> };
  };
}
