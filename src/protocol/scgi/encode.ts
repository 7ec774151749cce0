/** SCGI request encoding, for clients and tests. @module */

/**
 * An SCGI request header (and body): CONTENT_LENGTH first (from the body), `SCGI=1`, then `params`
 * (any CONTENT_LENGTH or SCGI among them is left out), as a netstring.
 *
 * @example
 * ```ts
 * socket.write(encodeScgiRequest([["REQUEST_METHOD", "GET"], ["REQUEST_URI", "/sum?a=1&b=2"]]));
 * ```
 */
export function encodeScgiRequest(params: Iterable<readonly [string, string]>, body?: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  const pair = (name: string, value: string): void => {
    parts.push(Buffer.from(name, "utf8"), Buffer.from([0]), Buffer.from(value, "utf8"), Buffer.from([0]));
  };
  pair("CONTENT_LENGTH", String(body?.byteLength ?? 0));
  pair("SCGI", "1");
  for (const [name, value] of params) if (name !== "CONTENT_LENGTH" && name !== "SCGI") pair(name, value);
  const header = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(`${header.length}:`, "latin1"), header, Buffer.from(",", "latin1"), body ?? Buffer.alloc(0)]);
}
