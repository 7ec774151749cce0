/**
 * stdout for a CGI process without `process.stdout`: creating that stream costs a few milliseconds of
 * start-up, and a process that serves one request can simply block on its pipe. Writes go straight to
 * fd 1 with `writeSync`; if the pipe is non-blocking and full (EAGAIN), the rest goes through
 * `process.stdout`, in order.
 * @module
 */
import { writeSync } from "node:fs";
import type { CgiOutput } from "./output.js";

type Listener = (...args: unknown[]) => void;

/** A {@link CgiOutput} on a file descriptor; `usedStream` says whether it fell back to `process.stdout`. */
export class FdSink implements CgiOutput {
  #stream: NodeJS.WriteStream | undefined;
  readonly #errorListeners = new Set<Listener>();
  #failed = false;

  constructor(readonly fd = 1) {}

  /** True once writes go through `process.stdout` (then flush it before exiting). */
  get usedStream(): boolean {
    return this.#stream !== undefined;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.#stream !== undefined) return this.#stream.write(chunk);
    if (this.#failed) return true;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let offset = 0;
    while (offset < bytes.byteLength) {
      try {
        offset += writeSync(this.fd, bytes, offset, bytes.byteLength - offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
          this.#stream = process.stdout;
          for (const listener of this.#errorListeners) this.#stream.once("error", listener);
          return this.#stream.write(bytes.subarray(offset));
        }
        // EPIPE and friends: the web server is gone. Report once, drop the rest.
        this.#failed = true;
        for (const listener of this.#errorListeners) listener(error);
        this.#errorListeners.clear();
        return true;
      }
    }
    return true;
  }

  once(event: "drain" | "close" | "error", listener: Listener): this {
    if (this.#stream !== undefined) this.#stream.once(event, listener);
    else if (event === "error") this.#errorListeners.add(listener);
    // Synchronous writes never need a drain, and fd 1 does not "close" under us.
    return this;
  }

  off(event: "drain" | "close" | "error", listener: Listener): this {
    this.#stream?.off(event, listener);
    if (event === "error") this.#errorListeners.delete(listener);
    return this;
  }
}
