/** Graceful shutdown of a set of connections, shared by the FastCGI and SCGI servers. @module */

/** A connection that can finish its work and close, or be cut. */
export interface Drainable {
  /** Closes once in-flight work is done (a no-op for connections that close after their reply anyway). */
  closeWhenIdle(): void;
  /** Aborts in-flight work and closes now. */
  destroy(reason: string): void;
}

/**
 * The live connections of a server and how to drain them: `close()` stops the listener, asks every
 * connection to close when idle, waits up to `graceMs`, then cuts what is left.
 *
 * @example
 * ```ts
 * const connections = new ConnectionSet<FastCgiConnection>();
 * net.createServer((socket) => connections.add(new FastCgiConnection(socket, host)));
 * // in the connection's close handler: connections.delete(connection)
 * await connections.drain(server, 10_000);
 * ```
 */
export class ConnectionSet<C extends Drainable> {
  readonly #live = new Set<C>();
  #empty: (() => void) | null = null;

  get size(): number {
    return this.#live.size;
  }

  add(connection: C): void {
    this.#live.add(connection);
  }

  delete(connection: C): void {
    this.#live.delete(connection);
    if (this.#live.size === 0) this.#empty?.();
  }

  /** Stops `server` accepting, lets connections finish for up to `graceMs`, then destroys the rest. */
  async drain(server: { close(callback: () => void): unknown }, graceMs: number): Promise<void> {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.#live.size > 0) {
      const empty = new Promise<void>((resolve) => {
        this.#empty = resolve;
      });
      for (const connection of this.#live) connection.closeWhenIdle();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const finished = await Promise.race([empty.then(() => true), grace]);
      clearTimeout(timer);
      if (!finished) {
        for (const connection of this.#live) connection.destroy("the server is shutting down");
        await empty;
      }
    }
    await stopped;
  }
}
