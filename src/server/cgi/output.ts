/** Writing a reply to stdout as RFC 3875 §6 asks: `Status:`, headers, blank line, body; with backpressure. @module */
import type { BodyChunk, Reply } from "../../contract.js";
import { discardBody, isStreamBody, replyChunks } from "../../gateway/body.js";
import { cgiHead } from "../../gateway/cgi-head.js";
import { statusForbidsBody } from "../../gateway/status.js";

/** Where the reply goes: `process.stdout` or any writable with the same few methods. */
export interface ReplySink {
  write(chunk: string | Uint8Array): boolean;
  once(event: "drain" | "close" | "error", listener: (...args: unknown[]) => void): unknown;
  off(event: "drain" | "close" | "error", listener: (...args: unknown[]) => void): unknown;
}

const encoder = new TextEncoder();

function hasHeader(reply: Reply, lower: string): boolean {
  for (const [name] of reply.headers) if (name.length === lower.length && name.toLowerCase() === lower) return true;
  return false;
}

function drained(out: ReplySink, signal: AbortSignal): Promise<void> {
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

function join(head: string, body: Uint8Array): Uint8Array {
  const headBytes = encoder.encode(head);
  const out = new Uint8Array(headBytes.byteLength + body.byteLength);
  out.set(headBytes, 0);
  out.set(body, headBytes.byteLength);
  return out;
}

/**
 * Writes the reply. A whole body goes out in one write with a Content-Length; a stream is written
 * chunk by chunk, waiting for `drain`, and stops when `signal` aborts (the web server dropped the client).
 * Throws when the headers are invalid (nothing written yet) or the stream fails.
 */
export async function writeCgiReply(out: ReplySink, reply: Reply, method: string, signal: AbortSignal): Promise<void> {
  const noBody = method === "HEAD" || statusForbidsBody(reply.status);
  const body = reply.body;
  if (!isStreamBody(body)) {
    const bytes = body === null || body === undefined ? undefined : typeof body === "string" ? encoder.encode(body) : body;
    const headers = bytes !== undefined && !statusForbidsBody(reply.status) && !hasHeader(reply, "content-length")
      ? [...reply.headers, ["content-length", String(bytes.byteLength)] as [string, string]]
      : reply.headers;
    const head = cgiHead(reply.status, headers);
    out.write(noBody || bytes === undefined || bytes.byteLength === 0 ? head : join(head, bytes));
    return;
  }
  const head = cgiHead(reply.status, reply.headers);
  if (noBody) {
    out.write(head);
    await discardBody(body);
    return;
  }
  let pending = head;
  // Leaving the loop early returns replyChunks, which returns the app's iterator (its finally blocks run).
  for await (const chunk of replyChunks(body as Iterable<BodyChunk> | AsyncIterable<BodyChunk>)) {
    if (signal.aborted) break;
    // The head goes out with the first chunk: one write, and no empty head if the stream fails at once.
    const ok = out.write(pending !== "" ? join(pending, chunk) : chunk);
    pending = "";
    if (!ok) await drained(out, signal);
    if (signal.aborted) break;
  }
  if (pending !== "") out.write(pending);
}
