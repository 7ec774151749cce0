/**
 * Draining, shared by the FastCGI and SCGI servers: a server's connections at shutdown ({@link ConnectionSet}),
 * one connection's graceful close ({@link lingerClose}) and writers waiting on a socket's write buffer
 * ({@link DrainWaiters}).
 * @module
 */
import type { Socket } from "node:net";

/** A connection that can finish its work and close, or be cut. */
export interface Drainable {
  /** Closes once in-flight work is done (a no-op for connections that close after their reply anyway). */
  closeWhenIdle(): void;
  /** Aborts in-flight work and closes now. */
  destroy(reason: string): void;
}

/** The longest delay a Node timer keeps (about 24.8 days); a longer one would fire at once. A longer grace waits without a cut. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The live connections of a server and how to drain them: `drain()` stops the listener, asks every
 * connection to close when idle, waits up to `graceMs`, then cuts what is left. Draining happens once:
 * every later call returns the same promise, and a call with a shorter grace (a second SIGTERM sends
 * `graceMs: 0`) moves the cut earlier; a longer one never postpones it.
 *
 * @example
 * ```ts
 * const connections = new ConnectionSet<FastCgiConnection>();
 * net.createServer((socket) => connections.add(new FastCgiConnection(socket, host)));
 * // in the connection's close handler: connections.delete(connection)
 * await connections.drain(server, 10_000);
 * await connections.drain(server, 0); // the same promise; cuts what is left now
 * ```
 */
export class ConnectionSet<C extends Drainable> {
  readonly #live = new Set<C>();
  #emptyWaiters: Array<() => void> = [];
  #draining: Promise<void> | undefined;
  #cutAt = Number.POSITIVE_INFINITY;
  #cutTimer: NodeJS.Timeout | undefined;

  get size(): number {
    return this.#live.size;
  }

  /** True once `drain()` was called. */
  get draining(): boolean {
    return this.#draining !== undefined;
  }

  add(connection: C): void {
    this.#live.add(connection);
  }

  delete(connection: C): void {
    if (!this.#live.delete(connection) || this.#live.size > 0) return;
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Stops `server` accepting, lets connections finish for up to `graceMs` (from this call), then destroys
   * the rest. Resolves once every connection has closed and the listener has stopped.
   */
  drain(server: { close(callback: () => void): unknown }, graceMs: number): Promise<void> {
    if (this.#draining === undefined) {
      this.#draining = this.#run(server);
      for (const connection of [...this.#live]) connection.closeWhenIdle();
    }
    this.#cutWithin(graceMs);
    return this.#draining;
  }

  async #run(server: { close(callback: () => void): unknown }): Promise<void> {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.#live.size > 0) await new Promise<void>((resolve) => this.#emptyWaiters.push(resolve));
    clearTimeout(this.#cutTimer);
    await stopped;
  }

  #cutWithin(graceMs: number): void {
    if (this.#live.size === 0 || graceMs > MAX_TIMER_MS) return;
    const at = Date.now() + graceMs;
    if (at >= this.#cutAt) return;
    this.#cutAt = at;
    clearTimeout(this.#cutTimer);
    if (graceMs <= 0) this.#cut();
    else this.#cutTimer = setTimeout(() => this.#cut(), graceMs);
  }

  #cut(): void {
    for (const connection of [...this.#live]) connection.destroy("the server is shutting down");
  }
}

/** How long a closing connection waits for the web server to close its side before dropping it. */
export const LINGER_MS = 5000;

/**
 * Closes our side of a connection after what was written (FIN, no reset), keeps reading (and discarding)
 * until the peer closes too, and drops it after `lingerMs` if the peer never does. When the peer has closed
 * its side already, only our FIN is left to send and the socket closes after it, with no timer.
 *
 * @example
 * ```ts
 * lingerClose(socket); // after the last reply on a connection that is not kept
 * ```
 */
export function lingerClose(socket: Socket, lingerMs = LINGER_MS): void {
  socket.end();
  if (socket.readableEnded) return;
  socket.resume();
  const linger = setTimeout(() => socket.destroy(), lingerMs);
  linger.unref();
  socket.once("close", () => clearTimeout(linger));
}

/**
 * Writers waiting for a socket's write buffer to drain: `wait()` resolves on the next `wake()` (the
 * socket's `drain` event, or its close).
 *
 * @example
 * ```ts
 * const waiters = new DrainWaiters();
 * socket.on("drain", () => waiters.wake());
 * socket.on("close", () => waiters.wake());
 * if (!socket.write(chunk)) await waiters.wait();
 * ```
 */
export class DrainWaiters {
  #waiters: Array<() => void> = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  wake(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * Ends a connection with a reset (RST) so the peer sees a failure, not a normal end (for protocols with
 * no other way to say a reply was cut short: SCGI, FastCGI without keep-conn). A reset discards data not
 * yet sent, so it waits until what was written has left the process, and a moment for the kernel to pass it on.
 */
export function resetSoon(socket: Socket, settleMs = 50): void {
  if (socket.destroyed) return;
  const reset = (): void => {
    setTimeout(() => {
      if (!socket.destroyed) socket.resetAndDestroy();
    }, settleMs).unref();
  };
  socket.pause();
  if (socket.writableLength === 0) reset();
  else socket.once("drain", reset);
}
