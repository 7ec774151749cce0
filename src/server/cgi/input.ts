/** The CGI request body: exactly CONTENT_LENGTH bytes from stdin, never more, never a hang on less. @module */
import { HttpError } from "../../errors.js";

/** A byte source such as `process.stdin`: async iterable without destroying it on early return. */
export interface ByteSource {
  iterator?(options: { destroyOnReturn: boolean }): AsyncIterable<Uint8Array>;
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  pause?(): unknown;
}

/**
 * Yields exactly `length` bytes from the source, then stops reading. A source that ends early gives
 * a 400 HttpError (the web server lost the client mid-upload), so the app never waits for bytes that will not come.
 */
export async function* exactBody(source: ByteSource, length: number): AsyncGenerator<Uint8Array> {
  let remaining = length;
  const iterable: AsyncIterable<Uint8Array> = typeof source.iterator === "function" ? source.iterator({ destroyOnReturn: false }) : source;
  for await (const chunk of iterable) {
    if (chunk.byteLength >= remaining) {
      yield remaining === chunk.byteLength ? chunk : chunk.subarray(0, remaining);
      remaining = 0;
      break;
    }
    remaining -= chunk.byteLength;
    yield chunk;
  }
  source.pause?.();
  if (remaining > 0) throw new HttpError(400, `the request body ended after ${length - remaining} of ${length} bytes (CONTENT_LENGTH)`);
}

/**
 * Yields the whole of stdin up to its end: for a request with no CONTENT_LENGTH whose web server passes a
 * chunked body through as it arrives (Apache's mod_cgi does, with `Transfer-Encoding` still set).
 */
export async function* bodyToEnd(source: ByteSource): AsyncGenerator<Uint8Array> {
  const iterable: AsyncIterable<Uint8Array> = typeof source.iterator === "function" ? source.iterator({ destroyOnReturn: false }) : source;
  for await (const chunk of iterable) yield chunk;
}
