/** The CGI runner's reply sink: a {@link ReplyPlan} as RFC 3875 §6 asks — `Status:`, fields, blank line, body. @module */
import { cgiReplyBytes, type ReplyPlan } from "../../gateway/reply-plan.js";
import type { ReplySink } from "../../gateway/reply-writer.js";

/** Where the reply goes: `process.stdout` or any writable with the same few methods. */
export interface CgiOutput {
  write(chunk: string | Uint8Array): boolean;
  once(event: "drain" | "close" | "error", listener: (...args: unknown[]) => void): unknown;
  off(event: "drain" | "close" | "error", listener: (...args: unknown[]) => void): unknown;
}

/**
 * Writes a plan to stdout. The head is Latin-1 (the plan checked every character fits one byte), the
 * body as it is; a whole reply is one write, a stream's head goes out with its first chunk.
 */
export class CgiReplySink implements ReplySink {
  readonly #out: CgiOutput;
  readonly #signal: AbortSignal;
  #wrote = false;
  #cut = false;

  constructor(out: CgiOutput, signal: AbortSignal) {
    this.#out = out;
    this.#signal = signal;
  }

  /** True once any byte was written (an error reply is then too late). */
  get wrote(): boolean {
    return this.#wrote;
  }

  get gone(): boolean {
    return this.#signal.aborted;
  }

  whole(plan: ReplyPlan, body: string | Uint8Array | null): void {
    this.#write(cgiReplyBytes(plan, body));
  }

  head(plan: ReplyPlan, first: Uint8Array): boolean {
    return this.#write(cgiReplyBytes(plan, first));
  }

  chunk(bytes: Uint8Array): boolean {
    return this.#write(bytes);
  }

  drained(): Promise<void> {
    const out = this.#out;
    const signal = this.#signal;
    return new Promise((resolve) => {
      const done = (): void => {
        out.off("drain", done);
        out.off("close", done);
        out.off("error", done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      out.once("drain", done);
      out.once("close", done);
      out.once("error", done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  end(): void {}

  /** A CGI reply is cut short by exiting with an error status: the web server sees the body end early. */
  cut(): void {
    this.#cut = true;
  }

  /** True when a streamed reply was cut short. */
  get wasCut(): boolean {
    return this.#cut;
  }

  #write(bytes: Uint8Array): boolean {
    this.#wrote = true;
    return this.#out.write(bytes);
  }
}
