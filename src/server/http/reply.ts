/** The HTTP server's reply sink: a {@link ReplyPlan} as a node:http status line, fields and body, with backpressure. @module */
import type { ServerResponse } from "node:http";
import type { ReplyPlan } from "../../gateway/reply-plan.js";
import type { ReplySink } from "../../gateway/reply-writer.js";

/**
 * Writes a plan to a node:http response. The plan's fields go to `writeHead` as pairs, in order (a
 * repeated name stays one line each); a streamed body without a length is sent chunked.
 */
export class HttpReplySink implements ReplySink {
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  get gone(): boolean {
    return this.#res.destroyed;
  }

  whole(plan: ReplyPlan, body: string | Uint8Array | null): void {
    writeWhole(this.#res, plan, body);
  }

  head(plan: ReplyPlan, first: Uint8Array): boolean {
    this.#res.writeHead(plan.status, plan.reason, plan.headers);
    return this.#res.write(first);
  }

  chunk(bytes: Uint8Array): boolean {
    return this.#res.write(bytes);
  }

  drained(): Promise<void> {
    const res = this.#res;
    if (res.destroyed || !res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.on("drain", done);
      res.on("close", done);
    });
  }

  end(): void {
    this.#res.end();
  }

  cut(): void {
    this.#res.destroy();
  }
}

/** The whole-reply path, without a sink object: status line, fields and body in one `end`. */
export function writeWhole(res: ServerResponse, plan: ReplyPlan, body: string | Uint8Array | null): void {
  if (res.destroyed) return;
  res.writeHead(plan.status, plan.reason, plan.headers);
  if (body === null) res.end();
  else res.end(plan.latin1Head && typeof body === "string" ? Buffer.from(body) : body);
}
