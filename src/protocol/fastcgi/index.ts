/**
 * `tsgi/protocol/fastcgi`: a sans-I/O FastCGI 1.0 codec. {@link RecordParser} splits bytes into records,
 * {@link FastCgiSession} turns them into request events for an application, and the encoders build
 * records for either side. No sockets, no timers: the FastCGI server and the test client are built on it.
 *
 * @example
 * ```ts
 * import { FastCgiSession, encodeResponse } from "tsgi/protocol/fastcgi";
 * ```
 * @module
 */
export * from "./constants.js";
export { FastCgiProtocolError } from "./errors.js";
export { RecordParser, type RecordHandler } from "./records.js";
export { decodePairs, encodePairs, type PairLimits } from "./pairs.js";
export {
  encodeBeginRequest, encodeEndRequest, encodeGetValues, encodeGetValuesResult, encodeParams, encodeRecord, encodeResponse,
  encodeStream, encodeUnknownType, paddingFor, streamSize, writeEndRequest, writeHeader, writeStream,
} from "./encode.js";
export { FastCgiSession, type SessionHandler, type SessionOptions } from "./session.js";
