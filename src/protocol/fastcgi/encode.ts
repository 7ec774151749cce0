/** FastCGI record encoders: records of at most 65535 content bytes, each padded to a multiple of 8. @module */
import {
  FCGI_HEADER_LEN, FCGI_KEEP_CONN, FCGI_MAX_CONTENT, FCGI_NULL_REQUEST_ID, FCGI_VERSION_1, ProtocolStatus, RecordType,
} from "./constants.js";
import { encodePairs } from "./pairs.js";

/** Content bytes per record when splitting a stream: the largest multiple of 8 below 65535, so only the last needs padding. */
const SLICE = FCGI_MAX_CONTENT - (FCGI_MAX_CONTENT % 8);
const ZEROS = Buffer.alloc(8);

/** Padding bytes that bring a record with `length` content bytes to a multiple of 8. */
export function paddingFor(length: number): number {
  return (8 - (length & 7)) & 7;
}

/** Writes a record header at `off` of `buf`. */
export function writeHeader(buf: Uint8Array, off: number, type: number, requestId: number, length: number, padding: number): void {
  buf[off] = FCGI_VERSION_1;
  buf[off + 1] = type;
  buf[off + 2] = requestId >> 8;
  buf[off + 3] = requestId & 0xff;
  buf[off + 4] = length >> 8;
  buf[off + 5] = length & 0xff;
  buf[off + 6] = padding;
  buf[off + 7] = 0;
}

/**
 * One record, padded to a multiple of 8. Throws when `content` exceeds 65535 bytes (use {@link encodeStream}).
 *
 * @example
 * ```ts
 * encodeRecord(RecordType.STDIN, 1) // the empty STDIN record that ends request 1's body
 * ```
 */
export function encodeRecord(type: number, requestId: number, content?: Uint8Array): Buffer {
  const length = content === undefined ? 0 : content.byteLength;
  if (length > FCGI_MAX_CONTENT) throw new RangeError(`a FastCGI record holds at most ${FCGI_MAX_CONTENT} bytes; got ${length} (use encodeStream)`);
  const padding = paddingFor(length);
  const buf = Buffer.allocUnsafe(FCGI_HEADER_LEN + length + padding);
  writeHeader(buf, 0, type, requestId, length, padding);
  if (content !== undefined) buf.set(content, FCGI_HEADER_LEN);
  buf.fill(0, FCGI_HEADER_LEN + length);
  return buf;
}

/**
 * Appends to `out` the records carrying `data` on a stream (STDOUT, STDERR, STDIN, PARAMS, DATA): headers,
 * views of `data` (not copies) and padding. Empty data appends nothing: a stream ends only with {@link encodeRecord}
 * of an empty record.
 *
 * @example
 * ```ts
 * const out: Uint8Array[] = [];
 * encodeStream(RecordType.STDOUT, 1, body, out);
 * socket.write(Buffer.concat(out));
 * ```
 */
export function encodeStream(type: number, requestId: number, data: Uint8Array, out: Uint8Array[]): void {
  const total = data.byteLength;
  for (let off = 0; off < total; off += SLICE) {
    const length = Math.min(SLICE, total - off);
    const padding = paddingFor(length);
    const header = Buffer.allocUnsafe(FCGI_HEADER_LEN);
    writeHeader(header, 0, type, requestId, length, padding);
    out.push(header, data.subarray(off, off + length));
    if (padding > 0) out.push(ZEROS.subarray(0, padding));
  }
}

/** Size on the wire of `length` stream bytes: the records' headers, content and padding. */
export function streamSize(length: number): number {
  let size = 0;
  for (let left = length; left > 0; left -= SLICE) {
    const n = Math.min(SLICE, left);
    size += FCGI_HEADER_LEN + n + paddingFor(n);
  }
  return size;
}

/** Writes the stream records for `data` into `buf` at `off` (a copy); returns the new offset. */
export function writeStream(buf: Buffer, off: number, type: number, requestId: number, data: Uint8Array): number {
  const total = data.byteLength;
  for (let start = 0; start < total; start += SLICE) {
    const length = Math.min(SLICE, total - start);
    const padding = paddingFor(length);
    writeHeader(buf, off, type, requestId, length, padding);
    off += FCGI_HEADER_LEN;
    buf.set(data.subarray(start, start + length), off);
    off += length;
    if (padding > 0) {
      buf.fill(0, off, off + padding);
      off += padding;
    }
  }
  return off;
}

/** Writes END_REQUEST for `requestId` into `buf` at `off`; returns the new offset. */
export function writeEndRequest(buf: Buffer, off: number, requestId: number, appStatus: number, protocolStatus: number): number {
  writeHeader(buf, off, RecordType.END_REQUEST, requestId, 8, 0);
  buf.writeUInt32BE(appStatus >>> 0, off + 8);
  buf[off + 12] = protocolStatus;
  buf[off + 13] = 0;
  buf[off + 14] = 0;
  buf[off + 15] = 0;
  return off + 16;
}

/** END_REQUEST: the request is over, with the app's exit status and how the protocol ended it. */
export function encodeEndRequest(requestId: number, appStatus = 0, protocolStatus: number = ProtocolStatus.REQUEST_COMPLETE): Buffer {
  const buf = Buffer.allocUnsafe(16);
  writeEndRequest(buf, 0, requestId, appStatus, protocolStatus);
  return buf;
}

/**
 * A whole reply in one buffer: STDOUT records for `head` (Latin-1, as CGI headers are) then `body` (a string as UTF-8),
 * the empty STDOUT record, and END_REQUEST. The fast path for replies that are not streamed.
 *
 * @example
 * ```ts
 * socket.write(encodeResponse(1, "Status: 200 OK\r\n\r\n", Buffer.from("3")));
 * ```
 */
export function encodeResponse(requestId: number, head: string, body: Uint8Array | string | null, appStatus = 0): Buffer {
  const headLength = Buffer.byteLength(head, "latin1");
  const bodyLength = body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  const length = headLength + bodyLength;
  if (length > FCGI_MAX_CONTENT) {
    if (typeof body === "string") body = Buffer.from(body);
    const headBytes = Buffer.from(head, "latin1");
    const size = streamSize(headLength) + streamSize(bodyLength) + 2 * FCGI_HEADER_LEN + 8;
    const buf = Buffer.allocUnsafe(size);
    let off = writeStream(buf, 0, RecordType.STDOUT, requestId, headBytes);
    if (body !== null) off = writeStream(buf, off, RecordType.STDOUT, requestId, body);
    writeHeader(buf, off, RecordType.STDOUT, requestId, 0, 0);
    writeEndRequest(buf, off + FCGI_HEADER_LEN, requestId, appStatus, ProtocolStatus.REQUEST_COMPLETE);
    return buf;
  }
  const padding = paddingFor(length);
  const buf = Buffer.allocUnsafe(FCGI_HEADER_LEN + length + padding + FCGI_HEADER_LEN + 16);
  writeHeader(buf, 0, RecordType.STDOUT, requestId, length, padding);
  let off = FCGI_HEADER_LEN + buf.write(head, FCGI_HEADER_LEN, "latin1");
  if (typeof body === "string") {
    buf.write(body, off, "utf8");
    off += bodyLength;
  } else if (body !== null) {
    buf.set(body, off);
    off += bodyLength;
  }
  for (let end = off + padding; off < end; off++) buf[off] = 0;
  writeHeader(buf, off, RecordType.STDOUT, requestId, 0, 0);
  writeEndRequest(buf, off + FCGI_HEADER_LEN, requestId, appStatus, ProtocolStatus.REQUEST_COMPLETE);
  return buf;
}

/** UNKNOWN_TYPE: the answer to a management record of a type this side does not know. */
export function encodeUnknownType(type: number): Buffer {
  const body = Buffer.alloc(8);
  body[0] = type;
  return encodeRecord(RecordType.UNKNOWN_TYPE, FCGI_NULL_REQUEST_ID, body);
}

/** GET_VALUES (a web server asking), with the variable names and empty values. */
export function encodeGetValues(names: readonly string[]): Buffer {
  return encodeRecord(RecordType.GET_VALUES, FCGI_NULL_REQUEST_ID, encodePairs(names.map((name) => [name, ""] as const)));
}

/** GET_VALUES_RESULT: the variables the application knows, with their values. */
export function encodeGetValuesResult(values: Iterable<readonly [string, string]>): Buffer {
  return encodeRecord(RecordType.GET_VALUES_RESULT, FCGI_NULL_REQUEST_ID, encodePairs(values));
}

/** BEGIN_REQUEST (client side): starts request `requestId` in `role`, asking to keep the connection or not. */
export function encodeBeginRequest(requestId: number, role: number, keepConn: boolean): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16BE(role, 0);
  body[2] = keepConn ? FCGI_KEEP_CONN : 0;
  return encodeRecord(RecordType.BEGIN_REQUEST, requestId, body);
}

/** The PARAMS stream (client side): the pairs in records of at most 65535 bytes, then the empty PARAMS record. */
export function encodeParams(requestId: number, pairs: Iterable<readonly [string, string]>): Buffer {
  const out: Uint8Array[] = [];
  encodeStream(RecordType.PARAMS, requestId, encodePairs(pairs), out);
  out.push(encodeRecord(RecordType.PARAMS, requestId));
  return Buffer.concat(out);
}
