// A small HTTP client for the HTTP server's tests: header pairs in order, streamed bodies, raw sockets.
import { request as httpRequest, Agent } from "node:http";
import { connect, type Socket } from "node:net";
import type { ConformanceReply, ConformanceRequest } from "../conformance/cases.js";

const agent = new Agent({ keepAlive: false });

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

/** One request over node:http; resolves with the whole reply. */
export function httpFetch(port: number, method: string, path: string, init: ConformanceRequest = {}): Promise<ConformanceReply> {
  return new Promise((resolve, reject) => {
    const headers: string[] = [];
    for (const [name, value] of init.headers ?? []) headers.push(name, value);
    // With raw header pairs node:http adds no Host of its own.
    if (!(init.headers ?? []).some(([name]) => name.toLowerCase() === "host")) headers.push("Host", `127.0.0.1:${port}`);
    const body = init.body;
    if (typeof body === "string" || body instanceof Uint8Array) headers.push("Content-Length", String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength));
    else if (body !== undefined) headers.push("Transfer-Encoding", "chunked");
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: pairs(res.rawHeaders), body: Buffer.concat(chunks) }));
    });
    if (body === undefined) {
      req.end();
    } else if (typeof body === "string" || body instanceof Uint8Array) {
      req.end(body);
    } else {
      void (async () => {
        for await (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        req.end();
      })().catch(reject);
    }
  });
}

/** Sends a GET, waits for the first body bytes, then destroys the connection. */
export function httpDisconnectMidReply(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method: "GET", path, agent });
    req.on("error", () => undefined);
    req.on("response", (res) => {
      res.once("data", () => {
        req.destroy();
        resolve();
      });
      res.on("error", () => undefined);
    });
    req.once("error", reject);
    req.end();
  });
}

/** A raw TCP connection: write bytes, read everything until the server closes (or a timeout). */
export class RawClient {
  readonly socket: Socket;
  #data = "";
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, "127.0.0.1");
    this.socket.setEncoding("latin1");
    this.socket.on("data", (chunk: string) => { this.#data += chunk; });
    this.socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => this.socket.once("close", () => resolve()));
  }

  get data(): string {
    return this.#data;
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Waits until the server closes the connection; resolves with the elapsed ms, or -1 after `timeoutMs`. */
  async untilClosed(timeoutMs: number): Promise<number> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => { timer = setTimeout(() => resolve(-1), timeoutMs); });
    const result = await Promise.race([this.closed.then(() => Date.now() - started), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Waits until the received text matches. */
  async until(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.#data)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(this.#data)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.#data;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
