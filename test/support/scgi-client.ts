// An SCGI client for tests, built on the codec's encoder (it plays the web server).
import { connect, type Socket } from "node:net";
import { encodeScgiRequest } from "tsgi/protocol/scgi";
import { parseCgiResponse, type CgiResponse } from "./cgi-response.js";

/** Opens a connection to a TCP port on 127.0.0.1 or a unix socket path. */
export async function scgiConnect(target: number | string): Promise<Socket> {
  const socket = typeof target === "number" ? connect(target, "127.0.0.1") : connect(target);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Everything the server sent until it closed the connection. */
export function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.once("close", () => resolve(Buffer.concat(chunks)));
  });
}

/** Sends raw bytes (in slices when asked) and resolves with everything received until the server closed. */
export async function scgiExchange(target: number | string, bytes: Uint8Array, slice?: number): Promise<Buffer> {
  const socket = await scgiConnect(target);
  const all = readAll(socket);
  if (slice === undefined) socket.write(bytes);
  else {
    for (let off = 0; off < bytes.length; off += slice) {
      socket.write(bytes.subarray(off, off + slice));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return all;
}

/** Sends one SCGI request and parses the CGI response. */
export async function scgiFetch(target: number | string, params: Array<[string, string]>, body?: Uint8Array, slice?: number): Promise<CgiResponse> {
  return parseCgiResponse(await scgiExchange(target, encodeScgiRequest(params.filter(([n]) => n !== "CONTENT_LENGTH"), body), slice));
}
