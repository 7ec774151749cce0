// A FastCGI client for tests, built on the codec's encoders and record parser (it plays the web server).
import { connect, type Socket } from "node:net";
import {
  encodeBeginRequest, encodeGetValues, encodeParams, encodeRecord, encodeStream, FCGI_HEADER_LEN, decodePairs,
  RecordParser, RecordType, Role,
} from "tsgi/protocol/fastcgi";
import { parseCgiResponse, type CgiResponse } from "./cgi-response.js";

/** One record as received, with its raw framing for assertions. */
export interface ReceivedRecord {
  type: number;
  id: number;
  content: Buffer;
}

/** Everything a request got back. */
export interface FastCgiResult {
  stdout: Buffer;
  stderr: string;
  appStatus: number;
  protocolStatus: number;
  records: ReceivedRecord[];
}

/** Options of one request. */
export interface RequestOptions {
  id?: number;
  keepConn?: boolean;
  role?: number;
  body?: Uint8Array | string;
  /** Send the bytes in slices of this size (records split anywhere). */
  slice?: number;
}

interface Pending {
  records: ReceivedRecord[];
  resolve(result: FastCgiResult): void;
}

/** A test FastCGI client on one connection. */
export class FastCgiClient {
  readonly socket: Socket;
  readonly records: ReceivedRecord[] = [];
  /** Every byte received, as chunks: for framing checks ({@link wireRecords}). */
  readonly received: Buffer[] = [];
  readonly closed: Promise<void>;
  #parser = new RecordParser();
  #pending = new Map<number, Pending>();
  #management: Array<(record: ReceivedRecord) => void> = [];
  #unclaimed: ReceivedRecord[] = [];
  #ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => undefined);
    socket.on("end", () => {
      this.#ended = true;
    });
    socket.on("data", (chunk: Buffer) => {
      this.received.push(chunk);
      this.#parser.push(chunk, (type, id, content) => this.#record({ type, id, content: Buffer.from(content) }));
    });
  }

  /** Connects to a TCP port on 127.0.0.1 or a unix socket path. */
  static async connect(target: number | string): Promise<FastCgiClient> {
    const socket = typeof target === "number" ? connect(target, "127.0.0.1") : connect(target);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new FastCgiClient(socket);
  }

  /** True once the server closed its side. */
  get ended(): boolean {
    return this.#ended;
  }

  #record(record: ReceivedRecord): void {
    this.records.push(record);
    if (record.id === 0) {
      const waiter = this.#management.shift();
      if (waiter !== undefined) waiter(record);
      else this.#unclaimed.push(record);
      return;
    }
    const pending = this.#pending.get(record.id);
    if (pending === undefined) {
      this.#unclaimed.push(record);
      return;
    }
    pending.records.push(record);
    if (record.type === RecordType.END_REQUEST) {
      this.#pending.delete(record.id);
      let stdout = Buffer.alloc(0);
      let stderr = "";
      const outs: Buffer[] = [];
      for (const r of pending.records) {
        if (r.type === RecordType.STDOUT) outs.push(r.content);
        if (r.type === RecordType.STDERR) stderr += r.content.toString();
      }
      stdout = Buffer.concat(outs);
      pending.resolve({ stdout, stderr, appStatus: record.content.readUInt32BE(0), protocolStatus: record.content[4] as number, records: pending.records });
    }
  }

  /** Writes raw bytes, optionally in slices of `slice` bytes. */
  async send(bytes: Uint8Array, slice?: number): Promise<void> {
    if (slice === undefined) {
      this.socket.write(bytes);
      return;
    }
    for (let off = 0; off < bytes.length; off += slice) {
      this.socket.write(bytes.subarray(off, off + slice));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Resolves with the result of request `id` once its END_REQUEST arrives. */
  expect(id: number): Promise<FastCgiResult> {
    return new Promise((resolve) => this.#pending.set(id, { records: [], resolve }));
  }

  /** Resolves with the next management record (id 0). */
  nextManagement(): Promise<ReceivedRecord> {
    const waiting = this.#unclaimed.findIndex((r) => r.id === 0);
    if (waiting !== -1) return Promise.resolve(this.#unclaimed.splice(waiting, 1)[0] as ReceivedRecord);
    return new Promise((resolve) => this.#management.push(resolve));
  }

  /** The bytes of a whole request: BEGIN, PARAMS, STDIN. */
  static encodeRequest(params: Array<[string, string]>, options: RequestOptions = {}): Buffer {
    const id = options.id ?? 1;
    const body = typeof options.body === "string" ? Buffer.from(options.body) : options.body;
    const out: Uint8Array[] = [encodeBeginRequest(id, options.role ?? Role.RESPONDER, options.keepConn ?? true), encodeParams(id, params)];
    if (body !== undefined) encodeStream(RecordType.STDIN, id, body, out);
    out.push(encodeRecord(RecordType.STDIN, id));
    return Buffer.concat(out);
  }

  /** Sends a whole request and resolves with its result. */
  async request(params: Array<[string, string]>, options: RequestOptions = {}): Promise<FastCgiResult> {
    const result = this.expect(options.id ?? 1);
    await this.send(FastCgiClient.encodeRequest(params, options), options.slice);
    return result;
  }

  /** Asks GET_VALUES and returns the answered pairs. */
  async getValues(names: string[]): Promise<Array<[string, string]>> {
    const answer = this.nextManagement();
    this.socket.write(encodeGetValues(names));
    const record = await answer;
    if (record.type !== RecordType.GET_VALUES_RESULT) throw new Error(`expected GET_VALUES_RESULT, got type ${record.type}`);
    return decodePairs(record.content, { maxCount: 100 });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Checks the framing rules of everything a server sent for one request; returns the problems found. */
export function framingProblems(records: ReceivedRecord[]): string[] {
  const problems: string[] = [];
  const stdout = records.filter((r) => r.type === RecordType.STDOUT);
  const emptyAt = stdout.findIndex((r) => r.content.length === 0);
  if (emptyAt !== -1 && emptyAt !== stdout.length - 1) problems.push("an empty STDOUT record before the end of the stream");
  if (stdout.length > 0 && emptyAt === -1) problems.push("no empty STDOUT record closing the stream");
  const last = records[records.length - 1];
  if (last?.type !== RecordType.END_REQUEST) problems.push("END_REQUEST is not the last record");
  for (const r of records) {
    if (![RecordType.STDOUT, RecordType.STDERR, RecordType.END_REQUEST].includes(r.type as 6 | 7 | 3)) problems.push(`record type ${r.type} sent to the web server`);
    if (r.content.length > 65535) problems.push(`record of ${r.content.length} bytes`);
  }
  return problems;
}

/** Sends one request and parses the CGI response. */
export async function fastCgiFetch(client: FastCgiClient, params: Array<[string, string]>, options: RequestOptions = {}): Promise<CgiResponse & FastCgiResult> {
  const result = await client.request(params, options);
  return { ...result, ...parseCgiResponse(result.stdout) };
}

/** The records in raw bytes with their framing: content length and padding as sent. */
export function wireRecords(bytes: Buffer): Array<{ type: number; id: number; length: number; padding: number }> {
  const out: Array<{ type: number; id: number; length: number; padding: number }> = [];
  let off = 0;
  while (off + FCGI_HEADER_LEN <= bytes.length) {
    const length = bytes.readUInt16BE(off + 4);
    const padding = bytes[off + 6] as number;
    out.push({ type: bytes[off + 1] as number, id: bytes.readUInt16BE(off + 2), length, padding });
    off += FCGI_HEADER_LEN + length + padding;
  }
  if (off !== bytes.length) throw new Error(`${bytes.length - off} bytes after the last whole record`);
  return out;
}
