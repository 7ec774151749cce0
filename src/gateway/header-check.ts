/**
 * The one rule for reply header fields, judged on the bytes every server writes. Servers write header
 * text as Latin-1 (one byte per character, as node:http does and as Fetch's ByteString requires), so a
 * value is safe when each of its characters is sent as itself in one byte: HTAB, 0x20–0x7E, or
 * 0x80–0xFF (obs-text). CR, LF, NUL and the other control characters are refused, and so is any
 * character above U+00FF — its low byte could be CR or LF on the wire (U+010D U+010A), which is how a
 * value built from user input splits a response.
 * @module
 */

/** 1 for the ASCII characters of an RFC 9110 token (`tchar`). */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/**
 * True for a non-empty RFC 9110 token. A loop, not a regex: it runs for every reply field, and a
 * regex call costs more than the few characters of a header name.
 */
export function isToken(name: string): boolean {
  const length = name.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** True for a character a header value may hold: HTAB, 0x20–0x7E, 0x80–0xFF (each sent as one byte, itself). */
function sendable(c: number): boolean {
  return (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff) || c === 0x09;
}

/** The index of the first character of a value that cannot be sent as itself, or -1. */
function firstUnsendable(value: string): number {
  for (let i = 0; i < value.length; i++) if (!sendable(value.charCodeAt(i))) return i;
  return -1;
}

/**
 * How a header value is sent: 0 when every character is printable ASCII (0x20–0x7E, the common case),
 * 1 when it also holds HTAB, 2 when it holds obs-text (U+0080–U+00FF, one byte each, not UTF-8), -1
 * when some character cannot be sent as itself (see {@link valueProblem} for which and why).
 * Example: `valueClass("text/plain") === 0`, `valueClass("caf\u00e9") === 2`, `valueClass("a\r\nb") === -1`.
 */
export function valueClass(value: string): -1 | 0 | 1 | 2 {
  let result: 0 | 1 | 2 = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    if (!sendable(c)) return -1;
    if (c !== 0x09) result = 2;
    else if (result === 0) result = 1;
  }
  return result;
}

/** Why a header name is not an RFC 9110 token, or undefined when it is. Example: `nameProblem("x y")`. */
export function nameProblem(name: string): string | undefined {
  if (isToken(name)) return undefined;
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
  const index = firstUnsendable(value);
  if (index === -1) return undefined;
  const code = value.charCodeAt(index);
  const fix = code > 0xff
    ? "percent-encode it (encodeURI for a URL) or use RFC 8187 encoding"
    : "remove control characters (header values are one line of text)";
  return `header ${name}: its value holds ${describeChar(code)} at index ${index}, which cannot be sent as itself; ${fix}`;
}

/** The first problem of a `[name, value]` field, or undefined when it is valid. */
export function headerProblem(name: string, value: string): string | undefined {
  return nameProblem(name) ?? valueProblem(name, value);
}
