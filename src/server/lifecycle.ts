/**
 * Signals to events: handlers only queue; one loop dispatches. The first SIGTERM/SIGINT drains
 * (stop accepting, finish in-flight requests up to the grace period, run the shutdown hook); a
 * second one stops at once; a stop that still hangs after that is given up on. SIGHUP is logged and ignored.
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

/** Options for {@link runSignalLoop}. */
export interface SignalLoopOptions {
  /** After the second stop signal, how long the stop may take before the loop gives up on it (default 5 s). */
  forceMs?: number;
  /** Called once when the loop gives up on a clean stop; the caller should end the process. */
  onForced?: () => void;
}

/**
 * Runs the dispatch loop until the target has stopped: the first SIGTERM/SIGINT closes gracefully, the
 * second closes with no grace, and if that still has not finished `forceMs` later (or a third signal
 * comes) the loop gives up, calls `onForced` and ends, so a stop never hangs. SIGHUP is logged and
 * ignored: one process has nothing to reload (the pool reloads on SIGHUP). Resolves with the first stop signal.
 *
 * @example
 * ```ts
 * const queue = new SignalQueue(["SIGTERM", "SIGINT", "SIGHUP"]);
 * await runSignalLoop(queue, server, (line) => console.error(line), 30_000, { onForced: () => process.exit(1) });
 * ```
 */
export async function runSignalLoop(queue: SignalQueue, target: Stoppable, log: (line: string) => void, graceMs: number, options: SignalLoopOptions = {}): Promise<NodeJS.Signals | undefined> {
  const forceMs = options.forceMs ?? 5000;
  let first: NodeJS.Signals | undefined;
  let stopping: Promise<void> | undefined;
  let stops = 0;
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;
  const giveUp = (why: string): void => {
    if (gaveUp) return;
    gaveUp = true;
    clearTimeout(timer);
    log(`tsgi: ${why}; giving up on a clean stop`);
    options.onForced?.();
    queue.dispose();
  };
  for (let signal = await queue.next(); signal !== undefined; signal = await queue.next()) {
    if (signal === "SIGHUP") {
      log("tsgi: SIGHUP ignored: a single server has no workers to reload; restart it, or run --workers 2 or more for rolling reloads on SIGHUP");
      continue;
    }
    stops++;
    if (stopping === undefined) {
      first = signal;
      log(`tsgi: ${signal}: stopping; finishing requests in flight (up to ${Math.round(graceMs / 1000)} s)`);
      stopping = target.close({ graceMs }).finally(() => {
        clearTimeout(timer);
        queue.dispose();
      });
    } else if (stops === 2) {
      log(`tsgi: ${signal} again: stopping now`);
      target.close({ graceMs: 0 }).catch(() => undefined);
      timer = setTimeout(() => giveUp(`still not stopped ${forceMs} ms after the second ${signal}`), forceMs);
      timer.unref();
    } else {
      giveUp(`${signal} a third time`);
    }
  }
  if (!gaveUp) await stopping;
  return first;
}
