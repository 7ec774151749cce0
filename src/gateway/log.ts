/** Log sinks for `tsgi.errors`. @module */
import type { LogSink } from "../contract.js";

/**
 * A sink writing each message as one line to a writable (stderr by default).
 * @example
 * ```ts
 * env["tsgi.errors"] = streamSink(process.stderr);
 * ```
 */
export function streamSink(stream: { write(text: string): unknown } = process.stderr): LogSink {
  return {
    write(message: string): void {
      stream.write(message.endsWith("\n") ? message : message + "\n");
    },
  };
}

/** A sink that keeps messages in memory: for tests (`sink.lines`). */
export function memorySink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write(message: string): void {
      lines.push(message.endsWith("\n") ? message.slice(0, -1) : message);
    },
  };
}
