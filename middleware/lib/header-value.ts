/**
 * Keeping request data from becoming header syntax. The servers' one header-value rule (`valueProblem` from
 * "tsgi": HTAB, 0x20–0x7E and 0x80–0xFF, each sent as one Latin-1 byte) answers 500 for anything else, so
 * middleware that copies request data into a header either refuses what fails {@link isHeaderValue} or
 * encodes it with {@link encodeLocation}. @module
 */
import { valueProblem } from "tsgi";

/** True when every character of `value` may be sent in a header value as itself (the servers' own rule). */
export function isHeaderValue(value: string): boolean {
  return valueProblem("", value) === undefined;
}

// Characters a URI reference may hold as they are (RFC 3986 reserved + unreserved), and "%" when it starts an escape.
const NOT_URI = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/gu;

// A lone surrogate (not UTF-8 encodable) becomes U+FFFD, as TextEncoder would make it.
const escape = (character: string): string => {
  try {
    return encodeURIComponent(character);
  } catch {
    return "%EF%BF%BD";
  }
};

/**
 * Percent-encodes (as UTF-8) every character of a URL or path that a URI may not hold as it is:
 * controls, spaces, quotes, non-ASCII (`/č` → `/%C4%8D`), and a `%` not starting an escape. Existing
 * escapes are kept, so encoding twice changes nothing. The result is always a valid header value.
 *
 * @example
 * ```ts
 * encodeLocation("/search/café?q=a b"); // "/search/caf%C3%A9?q=a%20b"
 * ```
 */
export function encodeLocation(url: string): string {
  return url.replace(NOT_URI, escape);
}
