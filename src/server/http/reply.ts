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

/** The headers as the flat `[name, value, name, value]` list `writeHead` takes; notes a content-length. */
function flatHeaders(reply: Reply): { flat: string[]; hasLength: boolean } {
  const headers = reply.headers;
  const flat = new Array<string>(headers.length * 2);
  let hasLength = false;
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i] as [string, string];
    flat[i * 2] = pair[0];
    flat[i * 2 + 1] = pair[1];
    if (!hasLength && pair[0].length === 14 && pair[0].toLowerCase() === "content-length") hasLength = true;
  }
  return { flat, hasLength };
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
 * Sends a reply: status and headers, then the body. A string or bytes body gets a content-length;
 * a streamed one is written chunk by chunk, waiting for `drain` (chunked when no length was given).
 * HEAD and 1xx/204/304 replies send no body. Throws when the app's headers are invalid (before anything was sent)
 * or the stream fails mid-way (the caller then ends the connection).
 */
export async function sendReply(res: ServerResponse, reply: Reply, method: string): Promise<void> {
  const { flat, hasLength } = flatHeaders(reply);
  const body: ReplyBody = reply.body;
  const noBody = method === "HEAD" || statusForbidsBody(reply.status);
  if (!isStreamBody(body)) {
    if (body === null || body === undefined) {
      if (!hasLength && !noBody) flat.push("content-length", "0");
      res.writeHead(reply.status, flat);
      res.end();
      return;
    }
    if (!hasLength && !statusForbidsBody(reply.status)) flat.push("content-length", String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength));
    res.writeHead(reply.status, flat);
    if (noBody) res.end();
    else res.end(body);
    return;
  }
  res.writeHead(reply.status, flat);
  if (noBody) {
    res.end();
    await discardBody(body);
    return;
  }
  await writeStream(res, body);
  if (!isGone(res)) res.end();
}
