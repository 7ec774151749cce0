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

/** The key under which an env holds its {@link LazyAbort}, for {@link SIGNAL_PROPERTY}. */
export const LAZY_ABORT = Symbol("tsgi.abort");

/**
 * `tsgi.signal` as one accessor shared by every env, so all envs keep one hidden class (an accessor
 * written in the object literal would make new functions per env and turn each env into a slow
 * dictionary). Reading makes the request's signal; assigning replaces it with a plain value.
 * Install with `Object.defineProperty(env, "tsgi.signal", SIGNAL_PROPERTY)` on an env that holds
 * its `LazyAbort` under {@link LAZY_ABORT}.
 *
 * @example
 * ```ts
 * const env = { REQUEST_METHOD: "GET", [LAZY_ABORT]: new LazyAbort() };
 * Object.defineProperty(env, "tsgi.signal", SIGNAL_PROPERTY);
 * ```
 */
export const SIGNAL_PROPERTY: PropertyDescriptor = {
  get(this: { [LAZY_ABORT]: LazyAbort }): AbortSignal {
    return this[LAZY_ABORT].signal;
  },
  set(this: object, value: unknown): void {
    Object.defineProperty(this, "tsgi.signal", { value, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true,
};
