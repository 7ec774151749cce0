/** Byte helpers: constant-time comparison and body sizes. @module */
import { timingSafeEqual } from "node:crypto";
import type { ReplyBody } from "tsgi";

const encoder = new TextEncoder();

/**
 * Compares two secrets in time independent of where they differ. Lengths are compared first:
 * `timingSafeEqual` throws on unequal lengths, and a length is not a secret here.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = typeof a === "string" ? encoder.encode(a) : a;
  const right = typeof b === "string" ? encoder.encode(b) : b;
  if (left.byteLength !== right.byteLength) return false;
  return timingSafeEqual(left, right);
}

/** The size of a whole (non-streamed) body in bytes, or undefined for streams. */
export function wholeBodySize(body: ReplyBody): number | undefined {
  if (body === null || body === undefined) return 0;
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return undefined;
}
