/**
 * Sending a {@link ReplyPlan} through a server's byte sink: the one place that decides when the head
 * goes out, what happens when a stream fails, and when to stop pulling a stream. A server implements
 * {@link ReplySink} (a status line and node:http, a CGI head on stdout, STDOUT records, an SCGI
 * socket) and calls {@link sendPlan}.
 * @module
 */
import type { Env, LogSink } from "../contract.js";
import { chunkBytes, discardBody } from "./body.js";
import { describeRequest, stackOf } from "./invoke.js";
import { errorPlan, type ReplyPlan } from "./reply-plan.js";

/** A server's byte sink for one reply. */
export interface ReplySink {
  /** The head and the whole body (none when null), then the end of the reply. */
  whole(plan: ReplyPlan, body: string | Uint8Array | null): void;
  /** The head of a streamed reply together with its first chunk; false when the caller should wait for {@link drained}. */
  head(plan: ReplyPlan, first: Uint8Array): boolean;
  /** One more chunk of a streamed reply; false when the caller should wait for {@link drained}. */
  chunk(bytes: Uint8Array): boolean;
  /** Resolves when the sink can take more, or is gone. */
  drained(): Promise<void>;
  /** The streamed reply is complete. */
  end(): void;
  /** The streamed reply failed after its head went out: cut it short so the client sees it incomplete. */
  cut(): void;
  /** True once the client is gone: stop pulling the stream. */
  readonly gone: boolean;
}

function swallow(): void {}

/**
 * Writes a plan: a whole reply at once (returns undefined: nothing to await), or a stream chunk by chunk
 * with backpressure (returns a promise that never rejects). The head goes out with the first chunk, so a
 * stream that fails before it gives a clean 500; one that fails later is logged and cut. A plan's
 * `problem` is logged here, once.
 *
 * @example
 * ```ts
 * const pending = sendPlan(planReply(reply, env.REQUEST_METHOD), sink, env, log, development);
 * ```
 */
export function sendPlan(plan: ReplyPlan, sink: ReplySink, env: Env, log: LogSink, development: boolean): Promise<void> | undefined {
  if (plan.problem !== undefined) log.write(`tsgi: ${describeRequest(env)}: ${plan.problem}`);
  if (plan.discard !== undefined && plan.discard !== null) void discardBody(plan.discard).catch(swallow);
  if (plan.stream === null) {
    sink.whole(plan, plan.whole);
    return undefined;
  }
  return sendStream(plan, sink, env, log, development);
}

async function sendStream(plan: ReplyPlan, sink: ReplySink, env: Env, log: LogSink, development: boolean): Promise<void> {
  const stream = plan.stream as NonNullable<ReplyPlan["stream"]>;
  const iterator: Iterator<unknown> | AsyncIterator<unknown> = Symbol.asyncIterator in stream
    ? (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (stream as Iterable<unknown>)[Symbol.iterator]();
  let started = false;
  let finished = false;
  try {
    for (;;) {
      if (sink.gone) break;
      const step = await iterator.next();
      if (step.done === true) {
        finished = true;
        break;
      }
      const value = step.value;
      if (typeof value !== "string" && !(value instanceof Uint8Array)) {
        throw new TypeError(`a body chunk must be a string or Uint8Array; got ${value === null ? "null" : typeof value}`);
      }
      const bytes = chunkBytes(value);
      if (bytes.byteLength === 0) continue;
      if (sink.gone) break;
      let ok: boolean;
      if (!started) {
        started = true;
        ok = sink.head(plan, bytes);
      } else {
        ok = sink.chunk(bytes);
      }
      if (!ok) await sink.drained();
    }
  } catch (error) {
    finished = true;
    if (sink.gone) return;
    const where = started ? "the reply body failed after it started; the reply is cut short" : "the reply body failed";
    log.write(`tsgi: ${describeRequest(env)}: ${where}: ${stackOf(error)}`);
    if (started) {
      sink.cut();
    } else {
      const failed = errorPlan(where, env.REQUEST_METHOD, development, undefined, stackOf(error));
      sink.whole(failed, failed.whole);
    }
    return;
  } finally {
    if (!finished) await Promise.resolve(iterator.return?.()).catch(swallow);
  }
  if (sink.gone) return;
  if (started) sink.end();
  else sink.whole(plan, null);
}
