/** The error malformed SCGI bytes raise. @module */

/** Raised for a malformed or oversized SCGI request header. Answer 400 (or just close) and drop the connection. */
export class ScgiProtocolError extends Error {
  constructor(message: string) {
    super(`SCGI protocol error: ${message}`);
    this.name = "ScgiProtocolError";
  }
}
