/**
 * Request and reply bodies: the read-once request input, bounded readers, and reply chunk iteration.
 * @module
 */
import type { BodyChunk, Env, ReplyBody, RequestBody } from "../contract.js";
import { HttpError } from "../errors.js";

const encoder = new TextEncoder();

/** An empty request body. Reading it any number of times yields nothing. */
export const EMPTY_INPUT: RequestBody = Object.freeze({
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {},
});

/**
 * Wraps a byte source as `tsgi.input`: iterable once; a second read throws an error that names the fix.
 *
 * @example
 * ```ts
 * env["tsgi.input"] = new RequestInput(socketChunks);
 * ```
 */
export class RequestInput implements AsyncIterable<Uint8Array> {
  #source: AsyncIterable<Uint8Array> | null;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source;
  }

  /** True once a reader has started iterating. */
  get consumed(): boolean {
    return this.#source === null;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const source = this.#source;
    if (source === null) {
      throw new Error('tsgi.input was already read; read it once with readBody(env) and pass the bytes on, or buffer it in a middleware');
    }
    this.#source = null;
    return source[Symbol.asyncIterator]();
  }
}

/** Options for {@link readBody}. */
export interface ReadOptions {
  /** Largest body accepted, in bytes; more gives a 413 HttpError. Default 1 MiB. */
  limit?: number;
}

/**
 * Reads the whole request body, refusing more than `limit` bytes with a 413 before buffering it.
 *
 * @example
 * ```ts
 * const bytes = await readBody(env, { limit: 64 * 1024 });
 * ```
 */
export async function readBody(env: Env, options: ReadOptions = {}): Promise<Uint8Array> {
  const limit = options.limit ?? 1024 * 1024;
  const declared = env.CONTENT_LENGTH ? Number(env.CONTENT_LENGTH) : NaN;
  if (declared > limit) throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of env["tsgi.input"]) {
    size += chunk.byteLength;
    if (size > limit) throw new HttpError(413, `request body exceeds the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Reads the request body as UTF-8 text (see {@link readBody} for the limit). */
export async function readText(env: Env, options?: ReadOptions): Promise<string> {
  return new TextDecoder().decode(await readBody(env, options));
}

/** Reads the request body as JSON; malformed JSON gives a 400 HttpError. */
export async function readJson(env: Env, options?: ReadOptions): Promise<unknown> {
  const text = await readText(env, options);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A chunk as bytes: strings are encoded as UTF-8. */
export function chunkBytes(chunk: BodyChunk): Uint8Array {
  return typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

/** True when the body is an iterable or async iterable of chunks (a stream) rather than one value. */
export function isStreamBody(body: ReplyBody): body is Iterable<BodyChunk> | AsyncIterable<BodyChunk> {
  return typeof body === "object" && body !== null && !(body instanceof Uint8Array);
}

/**
 * Every chunk of a reply body as bytes, in order, skipping empty ones.
 *
 * @example
 * ```ts
 * for await (const bytes of replyChunks(reply.body)) socket.write(bytes);
 * ```
 */
export async function* replyChunks(body: ReplyBody): AsyncGenerator<Uint8Array> {
  if (body === null || body === undefined) return;
  if (!isStreamBody(body)) {
    const bytes = chunkBytes(body);
    if (bytes.byteLength > 0) yield bytes;
    return;
  }
  for await (const chunk of body) {
    const bytes = chunkBytes(chunk);
    if (bytes.byteLength > 0) yield bytes;
  }
}

/** Closes a streamed reply body early (client gone): calls its iterator's `return()` if it has one. */
export async function discardBody(body: ReplyBody): Promise<void> {
  if (!isStreamBody(body) || typeof body === "string") return;
  const iterator = Symbol.asyncIterator in body
    ? (body as AsyncIterable<BodyChunk>)[Symbol.asyncIterator]()
    : (body as Iterable<BodyChunk>)[Symbol.iterator]();
  await iterator.return?.();
}
