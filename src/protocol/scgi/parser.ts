/**
 * The SCGI request header (the SCGI protocol note): a netstring `LEN:NAME\0VALUE\0...,` whose first
 * pair is CONTENT_LENGTH and which holds `SCGI=1`, then CONTENT_LENGTH body bytes. Sans I/O. @module
 */
import { isAsciiBlock, latin1, utf8 } from "../bytes.js";
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
    const end = block.length;
    if (block[end - 1] !== 0) throw new ScgiProtocolError("the header does not end with a NUL byte");
    const params: Array<[string, string]> = [];
    const plain: string[] = [];
    // The block as Latin-1 once: names and ASCII values are slices of it.
    const text = latin1(block, 0, end);
    const ascii = isAsciiBlock(block);
    let off = 0;
    while (off < end) {
      let nameEnd = off;
      while (block[nameEnd] !== 0) nameEnd++;
      let valueEnd = nameEnd + 1;
      while (valueEnd < end && block[valueEnd] !== 0) valueEnd++;
      if (valueEnd >= end) throw new ScgiProtocolError("the header has a name without a value (an odd number of strings)");
      if (nameEnd === off) throw new ScgiProtocolError("the header has an empty name");
      if (params.length === this.#maxParams) throw new ScgiProtocolError(`the header has more than ${this.#maxParams} pairs`);
      const name = text.slice(off, nameEnd);
      const header = name.startsWith("HTTP_");
      if (!header) plain.push(name);
      // Header values keep their bytes one char each (Latin-1, as node:http gives them); other CGI variables are UTF-8 text.
      params.push([name, ascii || header ? text.slice(nameEnd + 1, valueEnd) : utf8(block, nameEnd + 1, valueEnd)]);
      off = valueEnd + 1;
    }
    // The SCGI note forbids repeated names, but nginx sends a repeated request header (two Cookie
    // fields) as two HTTP_ pairs; those are kept for the env to join, any other repeat is refused.
    const again = repeated(plain);
    if (again !== undefined) throw new ScgiProtocolError(`the header repeats ${again}`);
    const first = params[0];
    if (first === undefined || first[0] !== "CONTENT_LENGTH") throw new ScgiProtocolError("the first header must be CONTENT_LENGTH");
    if (!DIGITS.test(first[1]) || first[1].length > 15) throw new ScgiProtocolError(`CONTENT_LENGTH must be decimal digits; got ${JSON.stringify(first[1])}`);
    if (!params.some(([name, value]) => name === "SCGI" && value === "1")) throw new ScgiProtocolError("the header must hold SCGI=1");
    return params;
  }
}

/**
 * The first name that occurs twice, or undefined. A small open-addressed table keyed by length and end
 * characters (no string hashing; a header holds a few dozen names), a Set past that.
 */
function repeated(names: string[]): string | undefined {
  if (names.length > 32) {
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) return name;
      seen.add(name);
    }
    return undefined;
  }
  const table: Array<string | undefined> = new Array<string | undefined>(64);
  for (const name of names) {
    let slot = (name.length * 7 + name.charCodeAt(0) * 3 + name.charCodeAt(name.length - 1)) & 63;
    for (let other = table[slot]; other !== undefined; other = table[slot]) {
      if (other === name) return name;
      slot = (slot + 1) & 63;
    }
    table[slot] = name;
  }
  return undefined;
}
