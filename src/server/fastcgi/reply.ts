/** Writing a reply as STDOUT records: whole replies in one write, streamed ones with backpressure. @module */
import type { Env, Reply } from "../../contract.js";
import { errorReply } from "../../errors.js";
import { cgiHead } from "../../gateway/cgi-head.js";
import { discardBody, replyChunks } from "../../gateway/body.js";
import { encodeEndRequest, encodeRecord, encodeResponse, encodeStream, RecordType } from "../../protocol/fastcgi/index.js";
import type { FastCgiConnection, FastCgiRequest } from "./connection.js";

function describe(env: Env): string {
  return `${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO}`;
}

function headFor(reply: Reply, env: Env, development: boolean): { head: string; reply: Reply } {
  try {
    return { head: cgiHead(reply.status, reply.headers), reply };
  } catch (error) {
    env["tsgi.errors"].write(`tsgi: ${describe(env)}: ${(error as Error).message}`);
    void discardBody(reply.body).catch(() => undefined);
    const fallback = errorReply(error, development);
    return { head: cgiHead(fallback.status, fallback.headers), reply: fallback };
  }
}

function wholeBody(body: Reply["body"]): Uint8Array | null | undefined {
  if (body === null || body === undefined) return null;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  return undefined;
}

/**
 * Sends `reply` for `request`: the CGI head and the body as STDOUT records, exactly one empty STDOUT
 * record, then END_REQUEST. A whole body goes out in one write; a streamed one chunk by chunk, waiting
 * for the socket to drain. HEAD replies send the head only. A stream that fails before its first chunk
 * becomes an error reply; one that fails later is logged and ended with application status 1.
 * Returns a promise only for a streamed body: whole replies are written before it returns.
 */
export function writeReply(connection: FastCgiConnection, request: FastCgiRequest, original: Reply, env: Env, development: boolean): Promise<void> | undefined {
  const { head, reply } = headFor(original, env, development);
  const id = request.id;
  if (env.REQUEST_METHOD === "HEAD") {
    void discardBody(reply.body).catch(() => undefined);
    connection.finish(request, encodeResponse(id, head, null));
    return undefined;
  }
  const whole = wholeBody(reply.body);
  if (whole !== undefined) {
    connection.finish(request, encodeResponse(id, head, whole));
    return undefined;
  }
  return writeStreamed(connection, request, reply, head, env, development);
}

async function writeStreamed(connection: FastCgiConnection, request: FastCgiRequest, reply: Reply, head: string, env: Env, development: boolean): Promise<void> {
  const id = request.id;
  let started = false;
  let appStatus = 0;
  try {
    for await (const chunk of replyChunks(reply.body)) {
      if (request.done) break;
      const out: Uint8Array[] = [];
      if (!started) {
        encodeStream(RecordType.STDOUT, id, Buffer.from(head, "latin1"), out);
        started = true;
      }
      encodeStream(RecordType.STDOUT, id, chunk, out);
      if (!connection.writeAll(out)) await connection.drained();
    }
  } catch (error) {
    if (request.done) return;
    if (!started) {
      env["tsgi.errors"].write(`tsgi: ${describe(env)}: the reply body failed: ${(error as Error).stack ?? String(error)}`);
      const failed = errorReply(error, development);
      connection.finish(request, encodeResponse(id, cgiHead(failed.status, failed.headers), wholeBody(failed.body) ?? null, 1));
      return;
    }
    env["tsgi.errors"].write(`tsgi: ${describe(env)}: the reply body failed after it started; the reply is cut short: ${(error as Error).stack ?? String(error)}`);
    appStatus = 1;
  }
  if (request.done) return;
  if (!started) {
    connection.finish(request, encodeResponse(id, head, null));
    return;
  }
  connection.finish(request, Buffer.concat([encodeRecord(RecordType.STDOUT, id), encodeEndRequest(id, appStatus)]));
}
