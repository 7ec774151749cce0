/** Writing a reply to a node:http response with backpressure. @module */
import type { ServerResponse } from "node:http";
import type { BodyChunk, HeaderList, Reply, ReplyBody } from "../../contract.js";
import { discardBody, isStreamBody, replyChunks } from "../../gateway/body.js";
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

/**
 * True when the app set a content-length. Its pairs then go to `writeHead` as they are: node:http
 * writes a list of `[name, value]` pairs in order (a repeated name stays one line each), validating
 * every name and value, with no copy in between.
 */
function hasContentLength(list: HeaderList): boolean {
  for (let i = 0; i < list.length; i++) {
    const name = (list[i] as [string, string])[0];
    if (name.length === 14 && name.toLowerCase() === "content-length") return true;
  }
  return false;
}

/** The app's headers plus a content-length, leaving the app's list untouched. */
function withLength(list: HeaderList, length: number): HeaderList {
  const out = list.slice();
  out.push(["content-length", String(length)]);
  return out;
}

function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}

async function writeStream(res: ServerResponse, body: Iterable<BodyChunk> | AsyncIterable<BodyChunk>): Promise<void> {
  // Leaving the loop early returns replyChunks, which returns the app's iterator (its finally blocks run).
  for await (const chunk of replyChunks(body)) {
    if (isGone(res)) break;
    if (!res.write(chunk)) await drained(res);
    if (isGone(res)) break;
  }
}

/**
 * Sends a reply: status and headers, then the body. A string or bytes body gets a content-length and is
 * sent at once (nothing to await); a streamed one is written chunk by chunk, waiting for `drain` (chunked
 * when no length was given). HEAD and 1xx/204/304 replies send no body. Throws when the app's headers are
 * invalid (before anything was sent) or the stream fails mid-way (the caller then ends the connection).
 */
export function sendReply(res: ServerResponse, reply: Reply, method: string): Promise<void> | undefined {
  const status = reply.status;
  const headers = reply.headers;
  const body: ReplyBody = reply.body;
  const forbidden = statusForbidsBody(status);
  const noBody = forbidden || method === "HEAD";
  if (!isStreamBody(body)) {
    if (body === null || body === undefined) {
      res.writeHead(status, noBody || hasContentLength(headers) ? headers : withLength(headers, 0));
      res.end();
      return undefined;
    }
    const length = forbidden || hasContentLength(headers) ? -1 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    res.writeHead(status, length === -1 ? headers : withLength(headers, length));
    if (noBody) res.end();
    else res.end(body);
    return undefined;
  }
  res.writeHead(status, headers);
  if (noBody) {
    res.end();
    return discardBody(body);
  }
  return writeStream(res, body).then(() => {
    if (!isGone(res)) res.end();
  });
}
