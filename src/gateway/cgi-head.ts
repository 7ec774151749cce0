/** The CGI response header block shared by the CGI, FastCGI and SCGI servers (RFC 3875 §6). @module */
import type { HeaderList } from "../contract.js";
import { reasonPhrase } from "./status.js";

const UNSAFE = /[\r\n\0]/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The CGI header block for a reply: `Status: 200 OK`, each header, then the blank line.
 * Throws when a header name is not a token or a value holds CR, LF or NUL (header injection).
 *
 * @example
 * ```ts
 * cgiHead(200, [["content-type", "text/plain"]]) // "Status: 200 OK\r\ncontent-type: text/plain\r\n\r\n"
 * ```
 */
export function cgiHead(status: number, headers: HeaderList): string {
  let head = `Status: ${status} ${reasonPhrase(status)}\r\n`;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i] as [string, string];
    if (!TOKEN.test(name) || UNSAFE.test(value)) {
      throw new Error(`reply header ${JSON.stringify(name)} is not a valid field: names must be tokens and values must not contain CR, LF or NUL`);
    }
    head += name + ": " + value + "\r\n";
  }
  return head + "\r\n";
}
