/**
 * A reply plan as a Fetch `Response`, through the same writer every server uses (`sendPlan`): the
 * head goes out with the first chunk, a stream that fails before it is the one 500, a stream that
 * fails later errors the Response body (the runtime cuts the reply short).
 * @module
 */
import type { Env, LogSink } from "../contract.js";
import type { ReplyPlan } from "../gateway/reply-plan.js";
import { sendPlan, type ReplySink } from "../gateway/reply-writer.js";

const encoder = new TextEncoder();

/**
 * A whole string body goes as UTF-8 bytes: a string would make the Response add a content-type of its
 * own, and a node:http adapter that writes a string body together with the head would send Latin-1
 * header values as UTF-8.
 */
function responseOf(plan: ReplyPlan, body: string | Uint8Array | ReadableStream<Uint8Array> | null): Response {
  const headers = new Headers();
  const list = plan.headers;
  for (let i = 0; i < list.length; i++) {
    const pair = list[i] as [string, string];
    headers.append(pair[0], pair[1]);
  }
  return new Response(typeof body === "string" ? encoder.encode(body) : body, { status: plan.status, headers });
}

/** Pulls a streamed reply only as fast as the runtime reads the Response body. */
class ResponseSink implements ReplySink {
  gone = false;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined = undefined;
  #wake: (() => void) | undefined = undefined;
  #sending: Promise<void> | undefined = undefined;
  readonly #respond: (response: Response) => void;
  readonly #complete: () => void;

  constructor(respond: (response: Response) => void, complete: () => void) {
    this.#respond = respond;
    this.#complete = complete;
  }

  /** The writer's promise, awaited by a cancel so the app's `finally` has run when it resolves. */
  set sending(promise: Promise<void> | undefined) {
    this.#sending = promise;
  }

  whole(plan: ReplyPlan, body: string | Uint8Array | null): void {
    this.#complete();
    this.#respond(responseOf(plan, body));
  }

  head(plan: ReplyPlan, first: Uint8Array): boolean {
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
        controller.enqueue(first);
      },
      pull: () => this.#resume(),
      cancel: async () => {
        this.gone = true;
        this.#complete();
        this.#resume();
        await this.#sending;
      },
    }, { highWaterMark: 0 });
    this.#respond(responseOf(plan, stream));
    return false;
  }

  chunk(bytes: Uint8Array): boolean {
    const controller = this.#controller as ReadableStreamDefaultController<Uint8Array>;
    controller.enqueue(bytes);
    return (controller.desiredSize ?? 0) > 0;
  }

  drained(): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => { this.#wake = resolve; });
  }

  end(): void {
    this.#complete();
    this.#controller?.close();
  }

  cut(): void {
    this.#complete();
    this.#controller?.error(new Error("the reply body failed after it started; the reply is cut short"));
  }

  #resume(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Sends `plan` as a Response: the Response itself for a whole body (no promise in between), else a
 * promise of it once the first chunk of the stream is there. `complete` runs once the reply is over:
 * whole body handed over, stream finished, cut short or cancelled by the runtime.
 *
 * @example
 * ```ts
 * const response = await planResponse(planReply(reply, env.REQUEST_METHOD), env, log, false, () => {});
 * ```
 */
export function planResponse(plan: ReplyPlan, env: Env, log: LogSink, development: boolean, complete: () => void): Response | Promise<Response> {
  let response: Response | undefined;
  let resolve: ((response: Response) => void) | undefined;
  const sink = new ResponseSink((made) => {
    if (resolve === undefined) response = made;
    else resolve(made);
  }, complete);
  sink.sending = sendPlan(plan, sink, env, log, development);
  if (response !== undefined) return response;
  return new Promise((done) => { resolve = done; });
}
