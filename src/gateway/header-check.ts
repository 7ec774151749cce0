/**
 * The one rule for reply header fields, judged on the bytes every server writes. Servers write header
 * text as Latin-1 (one byte per character, as node:http does and as Fetch's ByteString requires), so a
 * value is safe when each of its characters is sent as itself in one byte: HTAB, 0x20–0x7E, or
 * 0x80–0xFF (obs-text). CR, LF, NUL and the other control characters are refused, and so is any
 * character above U+00FF — its low byte could be CR or LF on the wire (U+010D U+010A), which is how a
 * value built from user input splits a response.
 * @module
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Why a header name is not an RFC 9110 token, or undefined when it is. Example: `nameProblem("x y")`. */
export function nameProblem(name: string): string | undefined {
  if (TOKEN.test(name)) return undefined;
  return `header name ${JSON.stringify(name)} is not a token: use letters, digits and !#$%&'*+-.^_\`|~ only`;
}

function describeChar(code: number): string {
  if (code === 13) return "CR";
  if (code === 10) return "LF";
  if (code === 0) return "NUL";
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Why a header value cannot be sent as itself, or undefined when it can.
 *
 * @example
 * ```ts
 * valueProblem("location", "/next\u010d\u010aSet-Cookie: a=b") // "header location: its value holds U+010D ..."
 * valueProblem("location", "/caf%C3%A9") // undefined
 * ```
 */
export function valueProblem(name: string, value: string): string | undefined {
  const match = BAD_VALUE.exec(value);
  if (match === null) return undefined;
  const code = match[0].charCodeAt(0);
  const fix = code > 0xff
    ? "percent-encode it (encodeURI for a URL) or use RFC 8187 encoding"
    : "remove control characters (header values are one line of text)";
  return `header ${name}: its value holds ${describeChar(code)} at index ${match.index}, which cannot be sent as itself; ${fix}`;
}

/** The first problem of a `[name, value]` field, or undefined when it is valid. */
export function headerProblem(name: string, value: string): string | undefined {
  return nameProblem(name) ?? valueProblem(name, value);
}
