// A raw HTTP/1.x client for the corpus: it writes exactly the request bytes a case asks for (a missing
// Host, an IPv6 Host, Latin-1 header bytes, a chunked body), reads until the server closes, and keeps
// exactly what arrived: header bytes as Latin-1, body bytes, and whether the framing said the body ended.
import { connect } from "node:net";

/** A request on the wire. Header values are Latin-1 text: each character is one byte. */
export interface RawRequest {
  method: string;
  target: string;
  version: "1.0" | "1.1";
  /** null: no Host line. */
  host: string | null;
  headers: Array<[string, string]>;
  body?: Uint8Array | { chunked: Uint8Array; piece: number };
}

/** What the client received. */
export interface RawReply {
  status: number;
  /** Header fields as received: names as sent, values Latin-1 decoded with surrounding blanks trimmed. */
  headers: Array<[string, string]>;
  body: Buffer;
  /**
   * false when the framing says the body was cut short (a chunked body without its last chunk, fewer
   * bytes than content-length); true when it ended as framed or ended by close (which cannot tell).
   */
  complete: boolean;
  /** Bytes after a content-length body ended (a server that sent more than it announced). */
  trailing: number;
  /** Interim 1xx statuses received before the final one. */
  interim: number[];
  /** The raw bytes, for failure messages. */
  raw: Buffer;
}

function requestBytes(request: RawRequest): Buffer[] {
  let head = `${request.method} ${request.target} HTTP/${request.version}\r\n`;
  if (request.host !== null) head += `Host: ${request.host}\r\n`;
  head += "Connection: close\r\n";
  for (const [name, value] of request.headers) head += `${name}: ${value}\r\n`;
  const body = request.body;
  const parts: Buffer[] = [];
  if (body instanceof Uint8Array) {
    head += `Content-Length: ${body.byteLength}\r\n\r\n`;
    parts.push(Buffer.from(head, "latin1"), Buffer.from(body));
  } else if (body !== undefined) {
    head += "Transfer-Encoding: chunked\r\n\r\n";
    parts.push(Buffer.from(head, "latin1"));
    for (let offset = 0; offset < body.chunked.byteLength; offset += body.piece) {
      const piece = body.chunked.subarray(offset, Math.min(offset + body.piece, body.chunked.byteLength));
      parts.push(Buffer.from(`${piece.byteLength.toString(16)}\r\n`, "latin1"), Buffer.from(piece), Buffer.from("\r\n", "latin1"));
    }
    parts.push(Buffer.from("0\r\n\r\n", "latin1"));
  } else {
    parts.push(Buffer.from(head + "\r\n", "latin1"));
  }
  return parts;
}

function decodeChunked(data: Buffer): { body: Buffer; complete: boolean } {
  const pieces: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", offset);
    if (lineEnd === -1) return { body: Buffer.concat(pieces), complete: false };
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (!Number.isFinite(size)) return { body: Buffer.concat(pieces), complete: false };
    if (size === 0) return { body: Buffer.concat(pieces), complete: true };
    const start = lineEnd + 2;
    if (data.length < start + size) {
      pieces.push(data.subarray(start));
      return { body: Buffer.concat(pieces), complete: false };
    }
    pieces.push(data.subarray(start, start + size));
    offset = start + size + 2;
  }
}

/** Parses a whole exchange's bytes (read until close) into the reply. */
export function parseReply(raw: Buffer, method: string): RawReply {
  let rest = raw;
  const interim: number[] = [];
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end === -1) return { status: 0, headers: [], body: Buffer.alloc(0), complete: false, trailing: 0, interim, raw };
    const lines = rest.subarray(0, end).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? "")?.[1] ?? 0);
    const headers: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      headers.push(colon === -1 ? [line, ""] : [line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "")]);
    }
    const after = rest.subarray(end + 4);
    if (status >= 100 && status < 200 && after.length > 0) {
      interim.push(status);
      rest = after;
      continue;
    }
    const field = (name: string): string | undefined => headers.find(([key]) => key.toLowerCase() === name)?.[1];
    if (method === "HEAD" || (status >= 100 && status < 200) || status === 204 || status === 304) {
      return { status, headers, body: after, complete: true, trailing: 0, interim, raw };
    }
    if ((field("transfer-encoding") ?? "").toLowerCase().includes("chunked")) {
      const { body, complete } = decodeChunked(after);
      return { status, headers, body, complete, trailing: 0, interim, raw };
    }
    const length = field("content-length");
    if (length !== undefined && /^\d+$/.test(length)) {
      const n = Number(length);
      return { status, headers, body: after.subarray(0, n), complete: after.length >= n, trailing: Math.max(0, after.length - n), interim, raw };
    }
    return { status, headers, body: after, complete: true, trailing: 0, interim, raw };
  }
}

/** Sends one request on a new connection and reads until the server closes it (or `timeoutMs`). */
export function exchange(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      const got = Buffer.concat(chunks);
      reject(new Error(`${request.method} ${request.target}: no complete reply within ${timeoutMs} ms; got ${JSON.stringify(got.subarray(0, 300).toString("latin1"))}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A reset after the reply arrived (a server that cut a failing stream short) still leaves the bytes.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(parseReply(Buffer.concat(chunks), request.method));
    });
    socket.on("connect", () => {
      for (const part of requestBytes(request)) socket.write(part);
    });
  });
}

/**
 * GETs `target`, waits until at least `minBytes` arrived, then drops the connection. Resolves with the
 * bytes seen; rejects when the reply does not start within `timeoutMs` (a front server buffering it).
 */
export function disconnectAfter(port: number, target: string, minBytes: number, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let seen = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the endless reply did not reach ${minBytes} bytes within ${timeoutMs} ms (got ${seen})`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= minBytes) {
        clearTimeout(timer);
        socket.destroy();
        resolve(seen);
      }
    });
    socket.on("error", () => undefined);
    socket.on("connect", () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
  });
}
