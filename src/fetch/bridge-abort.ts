/** The bridge's own `tsgi.signal`: it follows the Request's signal only until the reply is complete. @module */
import { LazyAbort } from "../gateway/lazy-abort.js";

function reasonOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error("the request was aborted: the client went away or the runtime is shutting down");
}

/**
 * A request's abort that follows its Request's `signal` until {@link BridgeAbort.complete} is called: once
 * the reply is complete (a whole body handed over, a stream finished, cut or cancelled), a later abort
 * of the Request never reaches the app — Deno aborts `request.signal` after every response it sent.
 * Nothing touches `request.signal` until the app reads `tsgi.signal`, so an app that never does costs
 * no listener (and Deno prints no warning about its legacy abort).
 *
 * @example
 * ```ts
 * const abort = new BridgeAbort(request);
 * const env = envFromUrl({ ...parts, abort });
 * // ... the reply is done:
 * abort.complete();
 * ```
 */
export class BridgeAbort extends LazyAbort {
  #request: Request | undefined;
  #following: AbortSignal | undefined = undefined;
  #listener: (() => void) | undefined = undefined;

  constructor(request: Request) {
    super();
    this.#request = request;
  }

  override get signal(): AbortSignal {
    const request = this.#request;
    if (request !== undefined && this.#following === undefined) {
      const followed = request.signal;
      if (followed.aborted) {
        this.#request = undefined;
        this.abort(reasonOf(followed));
      } else {
        this.#following = followed;
        this.#listener = (): void => this.abort(reasonOf(followed));
        followed.addEventListener("abort", this.#listener, { once: true });
      }
    }
    return super.signal;
  }

  /** The reply is complete: stop following the Request's signal. Idempotent. */
  complete(): void {
    this.#request = undefined;
    if (this.#following !== undefined && this.#listener !== undefined) this.#following.removeEventListener("abort", this.#listener);
    this.#following = undefined;
    this.#listener = undefined;
  }
}
