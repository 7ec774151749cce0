/**
 * A request's `tsgi.signal`, made only when something reads it. Most apps never do, and an
 * `AbortController` costs more than the rest of the env together. An abort that comes before the
 * first read is remembered: a signal read after the client left is born aborted.
 * @module
 */
export class LazyAbort {
  #controller: AbortController | undefined = undefined;
  #reason: Error | undefined = undefined;

  /** The request's signal; created on first read. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the request (once; later calls are ignored), whether or not its signal was read yet. */
  abort(reason: Error): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
