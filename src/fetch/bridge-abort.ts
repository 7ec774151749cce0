/** The bridge's own `tsgi.signal`: it follows the Request's signal only until the reply is complete. @module */
import type { LazyAbort } from "../gateway/lazy-abort.js";

function noop(): void {}

function reasonOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error("the request was aborted: the client went away or the runtime is shutting down");
}

/**
 * Aborts `abort` when `signal` (a Request's) aborts, until the returned function is called: call it
 * once the reply is complete (a whole body handed over, a stream finished, cut or cancelled). Deno
 * aborts `request.signal` after every response it has sent; that late abort never reaches the app.
 *
 * @example
 * ```ts
 * const complete = followUntilComplete(request.signal, abort);
 * // ... the reply is done:
 * complete();
 * ```
 */
export function followUntilComplete(signal: AbortSignal, abort: LazyAbort): () => void {
  if (signal.aborted) {
    abort.abort(reasonOf(signal));
    return noop;
  }
  const onAbort = (): void => abort.abort(reasonOf(signal));
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
