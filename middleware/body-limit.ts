/**
 * `tsgi/middleware/body-limit`: refuses request bodies over a size with 413, whether the size is
 * declared (`Content-Length`, refused before the app runs) or only discovered while streaming
 * (chunked bodies: reading past the limit throws a 413 HttpError).
 *
 * @example
 * ```ts
 * import { bodyLimit } from "tsgi/middleware/body-limit";
 * export default bodyLimit({ limit: 64 * 1024 })(app);
 * ```
 * @module
 */
import { HttpError, type App, type Env, type Middleware, type Reply } from "tsgi";

/** Options for {@link bodyLimit}. */
export interface BodyLimitOptions {
  /** Largest body in bytes. */
  limit: number;
}

async function* limited(source: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > limit) throw new HttpError(413, `request body exceeds the limit of ${limit} bytes`);
    yield chunk;
  }
}

/** Caps the request body at `limit` bytes. */
export function bodyLimit(options: BodyLimitOptions): Middleware {
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError(`bodyLimit limit must be a whole number of bytes; got ${String(limit)}`);
  return (app: App): App => (env: Env): Reply | Promise<Reply> => {
    const declared = env.CONTENT_LENGTH;
    if (declared !== undefined && declared !== "" && Number(declared) > limit) {
      return { status: 413, headers: [["content-type", "text/plain; charset=utf-8"]], body: `request body of ${declared} bytes exceeds the limit of ${limit} bytes\n` };
    }
    const source = env["tsgi.input"];
    env["tsgi.input"] = { [Symbol.asyncIterator]: () => limited(source, limit) };
    return app(env);
  };
}
