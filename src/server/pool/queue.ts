/**
 * A queue of events with one dispatcher: signal handlers and IPC callbacks only `post`; the queue
 * runs the handler for one event at a time, in order, from a deferred callback.
 * @module
 */

/** A FIFO of events dispatched one by one. */
export class EventQueue<E> {
  readonly #items: E[] = [];
  readonly #handle: (event: E) => void;
  readonly #defer: (run: () => void) => void;
  #scheduled = false;

  /**
   * @param handle called once per event, never re-entered.
   * @param defer schedules the drain (default `setImmediate`); tests may run it synchronously.
   *
   * @example
   * ```ts
   * const queue = new EventQueue<string>((signal) => master.dispatch({ type: "signal", signal }));
   * process.on("SIGHUP", () => queue.post("SIGHUP"));
   * ```
   */
  constructor(handle: (event: E) => void, defer: (run: () => void) => void = (run) => setImmediate(run)) {
    this.#handle = handle;
    this.#defer = defer;
  }

  /** Adds an event; safe to call from anywhere, including while an event is being handled. */
  post(event: E): void {
    this.#items.push(event);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#defer(() => this.#drain());
  }

  /** Events waiting. */
  get size(): number {
    return this.#items.length;
  }

  #drain(): void {
    try {
      for (let event = this.#items.shift(); event !== undefined; event = this.#items.shift()) this.#handle(event);
    } finally {
      this.#scheduled = this.#items.length > 0;
      if (this.#scheduled) this.#defer(() => this.#drain());
    }
  }
}
