/**
 * A streaming `multipart/form-data` parser (RFC 7578 over RFC 2046): it parses chunks as they arrive
 * and enforces every limit before buffering past it, so an oversized upload is refused early.
 * Hand-written because the well-kept parsers (busboy, formidable) are CommonJS stream libraries tied
 * to node:stream, while tsgi bodies are async iterables; this one is ~150 lines over Buffer.indexOf.
 * @module
 */
import { HttpError } from "../errors.js";

/** Limits on a multipart body; a breach is a 413 (sizes, counts) naming the limit. */
export interface MultipartLimits {
  /** Whole body, in bytes. Default 10 MiB. */
  maxBytes?: number;
  /** One file, in bytes. Default 5 MiB. */
  maxFileBytes?: number;
  /** One non-file field, in bytes. Default 64 KiB. */
  maxFieldBytes?: number;
  /** Number of parts. Default 100. */
  maxParts?: number;
  /** Header block of one part, in bytes. Default 8 KiB. */
  maxHeaderBytes?: number;
}

/**
 * A file from a multipart form, held in memory (bounded by `maxFileBytes`).
 *
 * @example
 * ```ts
 * const upload = z.object({ avatar: z.instanceof(UploadedFile).refine((f) => f.type === "image/png") });
 * ```
 */
export class UploadedFile {
  constructor(
    /** The file name the client sent (may be empty; never trust it as a path). */
    readonly filename: string,
    /** The part's media type, `application/octet-stream` when absent. */
    readonly type: string,
    readonly bytes: Uint8Array,
  ) {}

  get size(): number {
    return this.bytes.byteLength;
  }

  /** The content decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(this.bytes);
  }
}

/** A form value: text, a file, or several of them when a name repeats. */
export type FormValue = string | UploadedFile | Array<string | UploadedFile>;

/** A parsed form: field name → value. */
export type FormFields = Record<string, FormValue>;

const PARAM = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;

/** Parameters of a header value such as `form-data; name="a"; filename="b.txt"` (names lower-cased). */
export function headerParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of value.matchAll(PARAM)) {
    const name = (match[1] as string).toLowerCase();
    const quoted = match[2];
    params.set(name, quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (match[3] as string).trim());
  }
  return params;
}

/** Adds a value under `name`, turning a repeated name into an array. */
export function addField(fields: FormFields, name: string, value: string | UploadedFile): void {
  const existing = fields[name];
  if (existing === undefined) fields[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else fields[name] = [existing, value];
}

interface Part {
  name: string;
  filename: string | undefined;
  type: string;
  chunks: Buffer[];
  size: number;
}

function decodeFilename(params: Map<string, string>): string | undefined {
  const extended = params.get("filename*");
  if (extended !== undefined) {
    const match = /^([\w-]+)'[^']*'(.*)$/.exec(extended);
    if (match !== null) {
      try {
        return decodeURIComponent(match[2] as string);
      } catch {
        // fall back to the plain filename
      }
    }
  }
  return params.get("filename");
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * Reads a multipart/form-data body into fields and files, streaming: chunks are scanned for the
 * boundary as they arrive and every limit is checked before more is kept.
 *
 * @example
 * ```ts
 * const fields = await parseMultipart(env["tsgi.input"], boundary, { maxFileBytes: 1 << 20 });
 * ```
 */
export async function parseMultipart(input: AsyncIterable<Uint8Array>, boundary: string, limits: MultipartLimits = {}): Promise<FormFields> {
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary) || boundary.endsWith(" ")) {
    throw new HttpError(400, "multipart boundary is missing or invalid; send Content-Type: multipart/form-data; boundary=...");
  }
  const maxBytes = limits.maxBytes ?? 10 * 1024 * 1024;
  const maxFileBytes = limits.maxFileBytes ?? 5 * 1024 * 1024;
  const maxFieldBytes = limits.maxFieldBytes ?? 64 * 1024;
  const maxParts = limits.maxParts ?? 100;
  const maxHeaderBytes = limits.maxHeaderBytes ?? 8 * 1024;
  const delimiter = Buffer.from("\r\n--" + boundary);
  const keep = delimiter.length - 1;
  const fields: FormFields = Object.create(null) as FormFields;
  type State = "preamble" | "boundary" | "headers" | "body" | "done";
  let state = "preamble" as State;
  let buffer: Buffer = Buffer.from(CRLF);
  let total = 0;
  let parts = 0;
  let part: Part | null = null;

  const append = (bytes: Buffer): void => {
    if (part === null || bytes.length === 0) return;
    part.size += bytes.length;
    const limit = part.filename === undefined ? maxFieldBytes : maxFileBytes;
    if (part.size > limit) {
      throw new HttpError(413, `multipart ${part.filename === undefined ? "field" : "file"} "${part.name}" exceeds the limit of ${limit} bytes`);
    }
    part.chunks.push(Buffer.from(bytes));
  };

  const finish = (): void => {
    if (part === null) return;
    const bytes = part.chunks.length === 1 ? (part.chunks[0] as Buffer) : Buffer.concat(part.chunks);
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    addField(fields, part.name, part.filename === undefined ? new TextDecoder().decode(data) : new UploadedFile(part.filename, part.type, data));
    part = null;
  };

  const startPart = (head: string): void => {
    if (++parts > maxParts) throw new HttpError(413, `multipart body has more than ${maxParts} parts`);
    let disposition: string | undefined;
    let type = "application/octet-stream";
    for (const line of head.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new HttpError(400, `malformed multipart part header ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-disposition") disposition = value;
      else if (name === "content-type") type = value;
    }
    if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) {
      throw new HttpError(400, "a multipart part lacks Content-Disposition: form-data");
    }
    const params = headerParams(disposition);
    const name = params.get("name");
    if (name === undefined) throw new HttpError(400, "a multipart part has no name in its Content-Disposition");
    part = { name, filename: decodeFilename(params), type, chunks: [], size: 0 };
  };

  const step = (): boolean => {
    switch (state) {
      case "preamble": {
        const index = buffer.indexOf(delimiter);
        if (index === -1) {
          if (buffer.length > keep) buffer = buffer.subarray(buffer.length - keep);
          return false;
        }
        buffer = buffer.subarray(index + delimiter.length);
        state = "boundary";
        return true;
      }
      case "boundary": {
        if (buffer.length < 2) return false;
        if (buffer[0] === 45 && buffer[1] === 45) {
          state = "done";
          return false;
        }
        const end = buffer.indexOf(CRLF);
        if (end === -1) {
          if (buffer.length > 256) throw new HttpError(400, "malformed multipart boundary line");
          return false;
        }
        if (!/^[ \t]*$/.test(buffer.subarray(0, end).toString("latin1"))) throw new HttpError(400, "malformed multipart boundary line");
        buffer = buffer.subarray(end + 2);
        state = "headers";
        return true;
      }
      case "headers": {
        const end = buffer.indexOf(HEADER_END);
        if (end === -1) {
          if (buffer.length > maxHeaderBytes) throw new HttpError(413, `multipart part headers exceed ${maxHeaderBytes} bytes`);
          return false;
        }
        if (end > maxHeaderBytes) throw new HttpError(413, `multipart part headers exceed ${maxHeaderBytes} bytes`);
        startPart(buffer.subarray(0, end).toString("utf8"));
        buffer = buffer.subarray(end + 4);
        state = "body";
        return true;
      }
      case "body": {
        const index = buffer.indexOf(delimiter);
        if (index === -1) {
          if (buffer.length > keep) {
            append(buffer.subarray(0, buffer.length - keep));
            buffer = buffer.subarray(buffer.length - keep);
          }
          return false;
        }
        append(buffer.subarray(0, index));
        finish();
        buffer = buffer.subarray(index + delimiter.length);
        state = "boundary";
        return true;
      }
      default:
        return false;
    }
  };

  for await (const chunk of input) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new HttpError(413, `multipart body exceeds the limit of ${maxBytes} bytes`);
    if ((state as State) === "done") continue;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    buffer = buffer.length === 0 ? bytes : Buffer.concat([buffer, bytes]);
    while (step());
  }
  if ((state as State) !== "done") throw new HttpError(400, "multipart body ended before its closing boundary");
  return fields;
}
