/**
 * `tsgi/protocol/scgi`: a sans-I/O SCGI codec. {@link ScgiHeaderParser} reads the netstring header
 * strictly (digits-only bounded length, CONTENT_LENGTH first, SCGI=1, NUL-terminated unique pairs);
 * {@link encodeScgiRequest} builds requests for clients and tests.
 *
 * @example
 * ```ts
 * import { ScgiHeaderParser } from "tsgi/protocol/scgi";
 * const header = new ScgiHeaderParser().push(bytes);
 * ```
 * @module
 */
export { ScgiProtocolError } from "./errors.js";
export { ScgiHeaderParser, type ScgiHeader, type ScgiLimits } from "./parser.js";
export { encodeScgiRequest } from "./encode.js";
