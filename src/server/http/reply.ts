/** Writing a reply to a node:http response with backpressure. @module */
import type { ServerResponse } from "node:http";
import type { BodyChunk, Reply, ReplyBody } from "../../contract.js";
import { discardBody, isStreamBody } from "../../gateway/body.js";
import { statusForbidsBody } from "../../gateway/status.js";

/** Resolves when the response can take more data, or when it closed. */
function drained(res: ServerResponse): Promise<void> {
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

type OutgoingHeaders = Record<string, string | string[]>;

/**
 * The headers as the object `writeHead` takes fastest (its array form re-validates and merges header by
 * header); a repeated name becomes an array, in order. Notes whether the app set a content-length.
 */
function headerObject(reply: Reply): { headers: OutgoingHeaders; hasLength: boolean } {
  const list = reply.headers;
  const headers = Object.create(null) as OutgoingHeaders;
  let hasLength = false;
  for (let i = 0; i < list.length; i++) {
    const pair = list[i] as [string, string];
    const name = pair[0];
    const previous = headers[name];
    if (previous === undefined) headers[name] = pair[1];
    else if (typeof previous === "string") headers[name] = [previous, pair[1]];
    else previous.push(pair[1]);
    if (!hasLength && name.length === 14 && name.toLowerCase() === "content-length") hasLength = true;
  }
  return { headers, hasLength };
}

function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}

async function writeStream(res: ServerResponse, body: Iterable<BodyChunk> | AsyncIterable<BodyChunk>): Promise<void> {
  const iterator = Symbol.asyncIterator in body
    ? (body as AsyncIterable<BodyChunk>)[Symbol.asyncIterator]()
    : (body as Iterable<BodyChunk>)[Symbol.iterator]();
  let finished = false;
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done === true) {
        finished = true;
        break;
      }
      if (isGone(res)) break;
      const chunk = step.value;
      if (typeof chunk === "string" ? chunk.length === 0 : chunk.byteLength === 0) continue;
      if (!res.write(chunk)) await drained(res);
      if (isGone(res)) break;
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
}

/**
 * Sends a reply: status and headers, then the body. A string or bytes body gets a content-length and is
 * sent at once (nothing to await); a streamed one is written chunk by chunk, waiting for `drain` (chunked
 * when no length was given). HEAD and 1xx/204/304 replies send no body. Throws when the app's headers are
 * invalid (before anything was sent) or the stream fails mid-way (the caller then ends the connection).
 */
export function sendReply(res: ServerResponse, reply: Reply, method: string): Promise<void> | undefined {
  const { headers, hasLength } = headerObject(reply);
  const body: ReplyBody = reply.body;
  const noBody = method === "HEAD" || statusForbidsBody(reply.status);
  if (!isStreamBody(body)) {
    if (body === null || body === undefined) {
      if (!hasLength && !noBody) headers["content-length"] = "0";
      res.writeHead(reply.status, headers);
      res.end();
      return undefined;
    }
    if (!hasLength && !statusForbidsBody(reply.status)) headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
    res.writeHead(reply.status, headers);
    if (noBody) res.end();
    else res.end(body);
    return undefined;
  }
  res.writeHead(reply.status, headers);
  if (noBody) {
    res.end();
    return discardBody(body);
  }
  return writeStream(res, body).then(() => {
    if (!isGone(res)) res.end();
  });
}
