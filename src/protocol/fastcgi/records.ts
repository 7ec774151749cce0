/** The streaming FastCGI record parser: bytes in, records out, no copies unless a record straddles chunks. @module */
import { FCGI_HEADER_LEN, FCGI_VERSION_1 } from "./constants.js";
import { FastCgiProtocolError } from "./errors.js";

/**
 * Called once per complete record. `content` is a view into the received bytes (padding removed);
 * keep it only as long as the chunk it came from may be kept.
 */
export type RecordHandler = (type: number, requestId: number, content: Buffer) => void;

/**
 * Splits a byte stream into FastCGI records, wherever the chunks happen to be cut. Headers are read
 * in place; bytes are copied only to join a record that arrives in several chunks, and then once.
 * A header with a version other than 1 throws a {@link FastCgiProtocolError}.
 *
 * @example
 * ```ts
 * const parser = new RecordParser();
 * socket.on("data", (chunk) => parser.push(chunk, (type, id, content) => console.log(type, id, content.length)));
 * ```
 */
export class RecordParser {
  #pending: Buffer[] = [];
  #pendingLength = 0;
  #need = FCGI_HEADER_LEN;
  #stopped = false;

  /** Bytes received but not yet parsed into a record (at most one record plus one header). */
  get buffered(): number {
    return this.#pendingLength;
  }

  /** Stops parsing: records still in the current chunk are dropped, later pushes are ignored. */
  stop(): void {
    this.#stopped = true;
    this.#pending = [];
    this.#pendingLength = 0;
  }

  /** Feeds bytes; calls `onRecord` for every record completed by them, in order. */
  push(chunk: Uint8Array, onRecord: RecordHandler): void {
    if (this.#stopped || chunk.byteLength === 0) return;
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#pendingLength > 0) {
      this.#pending.push(buf);
      this.#pendingLength += buf.length;
      if (this.#pendingLength < this.#need) return;
      buf = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending, this.#pendingLength);
      this.#pending = [];
      this.#pendingLength = 0;
    }
    const end = buf.length;
    let off = 0;
    this.#need = FCGI_HEADER_LEN;
    while (end - off >= FCGI_HEADER_LEN) {
      if (buf[off] !== FCGI_VERSION_1) {
        this.stop();
        throw new FastCgiProtocolError(`record version ${buf[off]} is not 1 (is this really a FastCGI client?)`);
      }
      const length = ((buf[off + 4] as number) << 8) | (buf[off + 5] as number);
      const total = FCGI_HEADER_LEN + length + (buf[off + 6] as number);
      if (end - off < total) {
        this.#need = total;
        break;
      }
      const start = off + FCGI_HEADER_LEN;
      onRecord(buf[off + 1] as number, ((buf[off + 2] as number) << 8) | (buf[off + 3] as number), buf.subarray(start, start + length));
      if (this.#stopped) return;
      off += total;
    }
    if (off < end) {
      const rest = off === 0 ? buf : buf.subarray(off);
      this.#pending.push(rest);
      this.#pendingLength = rest.length;
    }
  }
}
