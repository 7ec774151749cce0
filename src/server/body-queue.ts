/** A request body fed by socket data and read by the app, with backpressure both ways. @module */

/**
 * What each queued chunk costs besides its bytes (the view object and queue slot), counted toward the
 * high-water mark so a peer sending a body as thousands of 1-byte records cannot queue unbounded objects.
 */
const CHUNK_OVERHEAD = 128;

/** Called when the queue crosses its high-water mark (`full` true) or drains below it again (`full` false). */
export type PressureHandler = (full: boolean) => void;

/**
 * An async iterable of body chunks pushed by a connection. When more than `highWater` bytes wait
 * unread it reports `full` so the connection pauses its socket, and reports again once the reader
 * catches up. `fail()` makes the reader throw (client gone, request aborted); `discard()` drops
 * whatever arrives later (the app answered without reading everything).
 *
 * @example
 * ```ts
 * const body = new BodyQueue(64 * 1024, (full) => full ? socket.pause() : socket.resume());
 * body.push(chunk); body.end();
 * ```
 */
export class BodyQueue implements AsyncIterable<Uint8Array> {
  readonly #highWater: number;
  readonly #onPressure: PressureHandler;
  #chunks: Uint8Array[] = [];
  #head = 0;
  #bytes = 0;
  #ended = false;
  #discarded = false;
  #full = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  #received = 0;

  constructor(highWater: number, onPressure: PressureHandler) {
    this.#highWater = highWater;
    this.#onPressure = onPressure;
  }

  /** Body bytes received so far. */
  get received(): number {
    return this.#received;
  }

  /** True once the whole body arrived (or the queue was failed or discarded). */
  get ended(): boolean {
    return this.#ended || this.#error !== null || this.#discarded;
  }

  /** Adds received bytes. */
  push(chunk: Uint8Array): void {
    if (this.#discarded || this.#ended || this.#error !== null) return;
    this.#received += chunk.byteLength;
    this.#chunks.push(chunk);
    this.#bytes += chunk.byteLength + CHUNK_OVERHEAD;
    if (!this.#full && this.#bytes > this.#highWater) this.#setFull(true);
    this.#notify();
  }

  /** The body is complete. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** The body will never complete: the reader's next read throws `error`. */
  fail(error: Error): void {
    if (this.#ended || this.#discarded || this.#error !== null) return;
    this.#error = error;
    this.#release();
    this.#notify();
  }

  /** Drops buffered and future bytes (the request is over). */
  discard(): void {
    this.#discarded = true;
    this.#release();
    this.#notify();
  }

  #release(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#bytes = 0;
    if (this.#full) this.#setFull(false);
  }

  #setFull(full: boolean): void {
    this.#full = full;
    this.#onPressure(full);
  }

  #notify(): void {
    const wake = this.#wake;
    if (wake !== null) {
      this.#wake = null;
      wake();
    }
  }

  async #next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      if (this.#error !== null) throw this.#error;
      if (this.#head < this.#chunks.length) {
        const chunk = this.#chunks[this.#head] as Uint8Array;
        this.#chunks[this.#head++] = EMPTY;
        if (this.#head === this.#chunks.length) {
          this.#chunks = [];
          this.#head = 0;
        }
        this.#bytes -= chunk.byteLength + CHUNK_OVERHEAD;
        if (this.#full && this.#bytes <= this.#highWater / 2) this.#setFull(false);
        return { done: false, value: chunk };
      }
      if (this.#ended || this.#discarded) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => this.#next(),
      return: async () => {
        this.discard();
        return { done: true, value: undefined };
      },
    };
  }
}

const EMPTY = new Uint8Array(0);
