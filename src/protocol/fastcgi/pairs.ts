/** FastCGI name-value pairs (specification section 3.4): 1- or 4-byte lengths, then the bytes. @module */
import { isAsciiBlock, isAsciiRange, latin1, utf8 } from "../bytes.js";
import { FastCgiProtocolError } from "./errors.js";

/** Limits for {@link decodePairs}. */
export interface PairLimits {
  /** Most pairs accepted; more throw. */
  maxCount: number;
}

/**
 * Decodes a complete name-value pair block. Names are read as Latin-1 (they are ASCII), values as UTF-8.
 * A length that runs past the block throws a {@link FastCgiProtocolError} (nothing is allocated from it);
 * so does a block holding more than `maxCount` pairs.
 *
 * @example
 * ```ts
 * decodePairs(encodePairs([["SCRIPT_NAME", "/app"]]), { maxCount: 100 }) // [["SCRIPT_NAME", "/app"]]
 * ```
 */
export function decodePairs(buf: Buffer, limits: PairLimits): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const end = buf.length;
  let off = 0;
  /** The block as Latin-1 (one char per byte), decoded once; names and ASCII values are slices of it. */
  let text: string | undefined;
  /** The whole block is ASCII (the usual case): every value is then a slice of `text`. */
  const ascii = end > 0 && isAsciiBlock(buf);
  while (off < end) {
    let nameLength = buf[off] as number;
    if (nameLength < 0x80) {
      off += 1;
    } else {
      if (end - off < 4) throw new FastCgiProtocolError("name-value pair truncated inside a 4-byte name length");
      nameLength = buf.readUInt32BE(off) & 0x7fffffff;
      off += 4;
    }
    if (off >= end) throw new FastCgiProtocolError("name-value pair truncated before its value length");
    let valueLength = buf[off] as number;
    if (valueLength < 0x80) {
      off += 1;
    } else {
      if (end - off < 4) throw new FastCgiProtocolError("name-value pair truncated inside a 4-byte value length");
      valueLength = buf.readUInt32BE(off) & 0x7fffffff;
      off += 4;
    }
    if (nameLength > end - off || valueLength > end - off - nameLength) {
      throw new FastCgiProtocolError(`name-value pair of ${nameLength}+${valueLength} bytes runs past the ${end - off} bytes left in the block`);
    }
    if (pairs.length === limits.maxCount) throw new FastCgiProtocolError(`more than ${limits.maxCount} name-value pairs`);
    const valueStart = off + nameLength;
    off = valueStart + valueLength;
    text ??= latin1(buf, 0, end);
    const name = text.slice(valueStart - nameLength, valueStart);
    // Header values keep their bytes one char each (Latin-1, as node:http gives them); other CGI variables are UTF-8 text.
    pairs.push([name, valueLength === 0 ? "" : ascii || isAsciiRange(buf, valueStart, off) || name.startsWith("HTTP_") ? text.slice(valueStart, off) : utf8(buf, valueStart, off)]);
  }
  return pairs;
}


function lengthSize(length: number): number {
  return length < 0x80 ? 1 : 4;
}

function writeLength(buf: Buffer, off: number, length: number): number {
  if (length < 0x80) {
    buf[off] = length;
    return off + 1;
  }
  buf.writeUInt32BE((length | 0x80000000) >>> 0, off);
  return off + 4;
}

/**
 * Encodes name-value pairs (strings as UTF-8), choosing 1- or 4-byte lengths as needed.
 *
 * @example
 * ```ts
 * encodePairs([["FCGI_MPXS_CONNS", "1"]]) // <Buffer 0f 01 46 43 47 49 ...>
 * ```
 */
export function encodePairs(pairs: Iterable<readonly [string, string]>): Buffer {
  const encoded: Array<[Buffer, Buffer]> = [];
  let size = 0;
  for (const [name, value] of pairs) {
    const n = Buffer.from(name, "utf8");
    const v = Buffer.from(value, "utf8");
    if (n.length > 0x7fffffff || v.length > 0x7fffffff) throw new RangeError("name-value pair longer than 2^31-1 bytes");
    encoded.push([n, v]);
    size += lengthSize(n.length) + lengthSize(v.length) + n.length + v.length;
  }
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  for (const [n, v] of encoded) {
    off = writeLength(buf, off, n.length);
    off = writeLength(buf, off, v.length);
    off += n.copy(buf, off);
    off += v.copy(buf, off);
  }
  return buf;
}
