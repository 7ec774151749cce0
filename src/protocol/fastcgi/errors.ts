/** The error a FastCGI peer's malformed bytes raise. @module */

/**
 * Raised for bytes that break the FastCGI 1.0 framing (bad version, a BEGIN_REQUEST with id 0, a
 * name-value length running past its record...). The connection cannot be trusted afterwards: close it.
 */
export class FastCgiProtocolError extends Error {
  constructor(message: string) {
    super(`FastCGI protocol error: ${message}`);
    this.name = "FastCgiProtocolError";
  }
}
