/**
 * Signals to events: handlers only queue; one loop dispatches. The first SIGTERM/SIGINT drains
 * (stop accepting, finish in-flight requests up to the grace period, run the shutdown hook); a
 * second one stops at once.
 * @module
 */

/** The part of `process` the lifecycle uses; injectable so tests send signals without a real process. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

/**
 * A queue of received signals. Handlers only push; `next()` hands them to one loop in order.
 *
 * @example
 * ```ts
 * const queue = new SignalQueue(["SIGTERM", "SIGINT"]);
 * for (let signal = await queue.next(); signal !== undefined; signal = await queue.next()) handle(signal);
 * ```
 */
export class SignalQueue {
  readonly #pending: NodeJS.Signals[] = [];
  #waiter: ((signal: NodeJS.Signals | undefined) => void) | undefined;
  #disposed = false;
  readonly #listeners: Array<[NodeJS.Signals, () => void]> = [];

  constructor(signals: NodeJS.Signals[], readonly source: SignalSource = process) {
    for (const signal of signals) {
      const listener = (): void => this.#push(signal);
      this.#listeners.push([signal, listener]);
      source.on(signal, listener);
    }
  }

  #push(signal: NodeJS.Signals): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter(signal);
    } else {
      this.#pending.push(signal);
    }
  }

  /** The next signal, or undefined once disposed. */
  next(): Promise<NodeJS.Signals | undefined> {
    if (this.#pending.length > 0) return Promise.resolve(this.#pending.shift());
    if (this.#disposed) return Promise.resolve(undefined);
    return new Promise((resolve) => { this.#waiter = resolve; });
  }

  /** Removes the handlers (the default signal behaviour returns) and ends the loop. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const [signal, listener] of this.#listeners) this.source.off(signal, listener);
    this.#waiter?.(undefined);
    this.#waiter = undefined;
  }
}

/** What the loop stops. */
export interface Stoppable {
  /** Graceful stop with a grace period (0: at once). */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Runs the dispatch loop until the target has stopped: first signal → graceful close, second → close
 * with no grace. Resolves with the first signal received.
 */
export async function runSignalLoop(queue: SignalQueue, target: Stoppable, log: (line: string) => void, graceMs: number): Promise<NodeJS.Signals | undefined> {
  let first: NodeJS.Signals | undefined;
  let stopping: Promise<void> | undefined;
  for (let signal = await queue.next(); signal !== undefined; signal = await queue.next()) {
    if (stopping === undefined) {
      first = signal;
      log(`tsgi: ${signal}: stopping; finishing requests in flight (up to ${Math.round(graceMs / 1000)} s)`);
      stopping = target.close({ graceMs }).finally(() => queue.dispose());
    } else {
      log(`tsgi: ${signal} again: stopping now`);
      void target.close({ graceMs: 0 });
    }
  }
  await stopping;
  return first;
}
