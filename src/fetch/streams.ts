/** Conversions between async iterables and WHATWG ReadableStreams, pull-based so backpressure holds. @module */
import type { BodyChunk } from "../contract.js";
import { chunkBytes } from "../gateway/body.js";

/** A ReadableStream that pulls from an (async) iterable; cancelling the stream returns the iterator. */
export function iterableToStream(source: Iterable<BodyChunk> | AsyncIterable<BodyChunk>): ReadableStream<Uint8Array> {
  const iterator: Iterator<BodyChunk> | AsyncIterator<BodyChunk> = Symbol.asyncIterator in source
    ? (source as AsyncIterable<BodyChunk>)[Symbol.asyncIterator]()
    : (source as Iterable<BodyChunk>)[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      for (;;) {
        const result = await iterator.next();
        if (result.done === true) {
          controller.close();
          return;
        }
        const bytes = chunkBytes(result.value);
        if (bytes.byteLength > 0) {
          controller.enqueue(bytes);
          return;
        }
      }
    },
    async cancel(): Promise<void> {
      await iterator.return?.();
    },
  }, { highWaterMark: 0 });
}

/** An async iterable over a ReadableStream's chunks; stopping early cancels the stream. */
export async function* streamToIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      if (value.byteLength > 0) yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
