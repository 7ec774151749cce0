/**
 * The SCGI request header (the SCGI protocol note): a netstring `LEN:NAME\0VALUE\0...,` whose first
 * pair is CONTENT_LENGTH and which holds `SCGI=1`, then CONTENT_LENGTH body bytes. Sans I/O. @module
 */
import { ScgiProtocolError } from "./errors.js";

/** Limits for {@link ScgiHeaderParser}. */
export interface ScgiLimits {
  /** Largest header netstring accepted, in bytes (default 64 KiB). Checked while reading the length digits. */
  maxHeaderBytes?: number;
  /** Most header pairs (default 1000). */
  maxParams?: number;
}

/** A complete SCGI request header. */
export interface ScgiHeader {
  /** The pairs in order, CONTENT_LENGTH first. */
  params: Array<[string, string]>;
  /** The body length CONTENT_LENGTH announced. */
  contentLength: number;
  /** Bytes after the header's closing comma that arrived with it: the start of the body. */
  rest: Buffer;
}

const DIGITS = /^(?:0|[1-9][0-9]*)$/;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * Reads an SCGI header from chunks as they arrive. `push` returns the header once complete and
 * `undefined` before; malformed input throws a {@link ScgiProtocolError}. The length prefix must be
 * decimal digits without a sign, space or leading zero, and larger than the limit is refused before
 * any of the header is buffered.
 *
 * @example
 * ```ts
 * const parser = new ScgiHeaderParser({ maxHeaderBytes: 16384 });
 * const header = parser.push(chunk); // undefined until the header is complete
 * ```
 */
export class ScgiHeaderParser {
  readonly #maxHeaderBytes: number;
  readonly #maxParams: number;
  #length = 0;
  #lengthDone = false;
  #digits = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #done = false;

  constructor(limits: ScgiLimits = {}) {
    this.#maxHeaderBytes = limits.maxHeaderBytes ?? 64 * 1024;
    this.#maxParams = limits.maxParams ?? 1000;
  }

  /** Header bytes buffered so far (never more than the limit plus one chunk's remainder). */
  get buffered(): number {
    return this.#buffered;
  }

  /** Feeds bytes. Returns the header when these bytes complete it; throws on malformed input. */
  push(chunk: Uint8Array): ScgiHeader | undefined {
    if (this.#done) throw new Error("the SCGI header is already complete; feed the rest to the body");
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let off = 0;
    if (!this.#lengthDone) {
      while (off < buf.length) {
        const byte = buf[off++] as number;
        if (byte === COLON) {
          if (this.#digits === 0) throw new ScgiProtocolError("the header netstring has no length before ':'");
          this.#lengthDone = true;
          break;
        }
        if (byte < 0x30 || byte > 0x39) {
          throw new ScgiProtocolError(`the header netstring length must be decimal digits followed by ':'; got byte 0x${byte.toString(16).padStart(2, "0")}`);
        }
        if (this.#digits > 0 && this.#length === 0) throw new ScgiProtocolError("the header netstring length has a leading zero");
        this.#length = this.#length * 10 + (byte - 0x30);
        this.#digits++;
        if (this.#length > this.#maxHeaderBytes) {
          throw new ScgiProtocolError(`the header is larger than the limit of ${this.#maxHeaderBytes} bytes`);
        }
      }
      if (!this.#lengthDone) return undefined;
      if (this.#length === 0) throw new ScgiProtocolError("the header is empty; it must start with CONTENT_LENGTH");
      buf = buf.subarray(off);
    }
    this.#chunks.push(buf);
    this.#buffered += buf.length;
    if (this.#buffered < this.#length + 1) return undefined;
    const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#done = true;
    if (all[this.#length] !== COMMA) throw new ScgiProtocolError("the header netstring does not end with ','");
    const params = this.#pairs(all.subarray(0, this.#length));
    return { params, contentLength: Number((params[0] as [string, string])[1]), rest: all.subarray(this.#length + 1) };
  }

  #pairs(block: Buffer): Array<[string, string]> {
    if (block[block.length - 1] !== 0) throw new ScgiProtocolError("the header does not end with a NUL byte");
    const params: Array<[string, string]> = [];
    const seen = new Set<string>();
    let off = 0;
    while (off < block.length) {
      const nameEnd = block.indexOf(0, off);
      const valueEnd = nameEnd === -1 || nameEnd + 1 >= block.length ? -1 : block.indexOf(0, nameEnd + 1);
      if (valueEnd === -1) throw new ScgiProtocolError("the header has a name without a value (an odd number of strings)");
      if (nameEnd === off) throw new ScgiProtocolError("the header has an empty name");
      const name = block.toString("latin1", off, nameEnd);
      // The SCGI note forbids repeated names, but nginx sends a repeated request header (two Cookie
      // fields) as two HTTP_ pairs; those are kept for the env to join, any other repeat is refused.
      if (seen.has(name) && !name.startsWith("HTTP_")) throw new ScgiProtocolError(`the header repeats ${name}`);
      if (params.length === this.#maxParams) throw new ScgiProtocolError(`the header has more than ${this.#maxParams} pairs`);
      seen.add(name);
      // Header values keep their bytes one char each (Latin-1, as node:http gives them); other CGI variables are UTF-8 text.
      params.push([name, block.toString(name.startsWith("HTTP_") ? "latin1" : "utf8", nameEnd + 1, valueEnd)]);
      off = valueEnd + 1;
    }
    const first = params[0];
    if (first === undefined || first[0] !== "CONTENT_LENGTH") throw new ScgiProtocolError("the first header must be CONTENT_LENGTH");
    if (!DIGITS.test(first[1]) || first[1].length > 15) throw new ScgiProtocolError(`CONTENT_LENGTH must be decimal digits; got ${JSON.stringify(first[1])}`);
    if (!params.some(([name, value]) => name === "SCGI" && value === "1")) throw new ScgiProtocolError("the header must hold SCGI=1");
    return params;
  }
}
