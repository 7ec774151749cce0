/** The FastCGI server's reply sink: a {@link ReplyPlan} as STDOUT records, then END_REQUEST. @module */
import { cgiHeadText, type ReplyPlan } from "../../gateway/reply-plan.js";
import type { ReplySink } from "../../gateway/reply-writer.js";
import { encodeEndRequest, encodeRecord, encodeResponse, encodeStream, RecordType } from "../../protocol/fastcgi/index.js";
import type { FastCgiConnection, FastCgiRequest } from "./connection.js";

/** A whole reply in one write: the CGI head and body as STDOUT records, the empty STDOUT, END_REQUEST. */
export function finishWhole(connection: FastCgiConnection, request: FastCgiRequest, plan: ReplyPlan, body: string | Uint8Array | null): void {
  connection.finish(request, encodeResponse(request.id, cgiHeadText(plan), body));
}

/** Writes a streamed plan chunk by chunk, waiting for the socket to drain. */
export class FastCgiReplySink implements ReplySink {
  readonly #connection: FastCgiConnection;
  readonly #request: FastCgiRequest;

  constructor(connection: FastCgiConnection, request: FastCgiRequest) {
    this.#connection = connection;
    this.#request = request;
  }

  get gone(): boolean {
    return this.#request.done;
  }

  whole(plan: ReplyPlan, body: string | Uint8Array | null): void {
    finishWhole(this.#connection, this.#request, plan, body);
  }

  head(plan: ReplyPlan, first: Uint8Array): boolean {
    const out: Uint8Array[] = [];
    encodeStream(RecordType.STDOUT, this.#request.id, Buffer.from(cgiHeadText(plan), "latin1"), out);
    encodeStream(RecordType.STDOUT, this.#request.id, first, out);
    return this.#connection.writeAll(out);
  }

  chunk(bytes: Uint8Array): boolean {
    const out: Uint8Array[] = [];
    encodeStream(RecordType.STDOUT, this.#request.id, bytes, out);
    return this.#connection.writeAll(out);
  }

  drained(): Promise<void> {
    return this.#connection.drained();
  }

  end(): void {
    const id = this.#request.id;
    this.#connection.finish(this.#request, Buffer.concat([encodeRecord(RecordType.STDOUT, id), encodeEndRequest(id)]));
  }

  /**
   * Cuts the reply short so the client sees it incomplete: the connection is dropped when this is its
   * only request (the web server then aborts the client's response); otherwise END_REQUEST says failure.
   */
  cut(): void {
    if (this.#connection.active <= 1) {
      // A reset, not a FIN: without fastcgi_keep_conn nginx takes a FIN for the reply's normal end.
      this.#connection.reset("the reply body failed after it started");
      return;
    }
    const id = this.#request.id;
    this.#connection.finish(this.#request, Buffer.concat([encodeRecord(RecordType.STDOUT, id), encodeEndRequest(id, 1)]));
  }
}
