/**
 * Fast text from received bytes, shared by the protocol codecs: Node's Buffer slicing primitives (which
 * skip `toString`'s argument handling) and node:buffer's native ASCII test, with portable fallbacks for
 * runtimes without them.
 * @module
 */
import * as nodeBuffer from "node:buffer";

interface SliceBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const FAST_SLICES = typeof (Buffer.prototype as Partial<SliceBuffer>).latin1Slice === "function"
  && typeof (Buffer.prototype as Partial<SliceBuffer>).utf8Slice === "function";

const nativeIsAscii = (nodeBuffer as { isAscii?: (bytes: Uint8Array) => boolean }).isAscii;

/**
 * Bytes `start`–`end` as Latin-1: one char per byte.
 *
 * @example
 * ```ts
 * latin1(Buffer.from([0x63, 0xe9]), 0, 2) // "c\u00e9"
 * ```
 */
export function latin1(buf: Buffer, start: number, end: number): string {
  return FAST_SLICES ? (buf as SliceBuffer).latin1Slice(start, end) : buf.toString("latin1", start, end);
}

/** Bytes `start`–`end` decoded as UTF-8. */
export function utf8(buf: Buffer, start: number, end: number): string {
  return FAST_SLICES ? (buf as SliceBuffer).utf8Slice(start, end) : buf.toString("utf8", start, end);
}

/** True when bytes `start`–`end` are all below 0x80. */
export function isAsciiRange(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((buf[i] as number) > 0x7f) return false;
  return true;
}

/** True when every byte of `buf` is below 0x80 (one native pass where the runtime has it). */
export function isAsciiBlock(buf: Buffer): boolean {
  return nativeIsAscii !== undefined ? nativeIsAscii(buf) : isAsciiRange(buf, 0, buf.length);
}
