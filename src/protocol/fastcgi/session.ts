/**
 * The application side of one FastCGI connection, sans I/O: feed it the bytes the web server sent,
 * it calls a handler for each protocol event and keeps per-request state. It never writes: the
 * server answers with the encoders. @module
 */
import { FCGI_KEEP_CONN, FCGI_NULL_REQUEST_ID, ProtocolStatus, RecordType, Role } from "./constants.js";
import { FastCgiProtocolError } from "./errors.js";
import { decodePairs } from "./pairs.js";
import { RecordParser } from "./records.js";

/** What a {@link FastCgiSession} reports. Every method is called synchronously from `receive()`. */
export interface SessionHandler {
  /** A request started (BEGIN_REQUEST accepted). `keepConn`: the web server keeps the connection after it. */
  begin(requestId: number, role: number, keepConn: boolean): void;
  /** The PARAMS stream of a request ended; its pairs, in order. */
  params(requestId: number, params: Array<[string, string]>): void;
  /** PARAMS exceeded a limit: answer the request with an error reply (431) and finish it. */
  paramsRejected(requestId: number, message: string): void;
  /** Body bytes (a view into the received chunk). */
  stdin(requestId: number, data: Buffer): void;
  /** The empty STDIN record: the body is complete. */
  stdinEnd(requestId: number): void;
  /** ABORT_REQUEST for an active request. */
  abort(requestId: number): void;
  /** A BEGIN_REQUEST refused at once: answer END_REQUEST with this protocol status (CANT_MPX_CONN, UNKNOWN_ROLE). */
  reject(requestId: number, protocolStatus: number): void;
  /** GET_VALUES: the names asked about. */
  getValues(names: string[]): void;
  /** A management record of a type this side does not know: answer UNKNOWN_TYPE. */
  unknownType(type: number): void;
  /** Malformed input: the session is dead, close the connection. */
  error(error: FastCgiProtocolError): void;
}

/** Limits and switches of a {@link FastCgiSession}. */
export interface SessionOptions {
  /** Accept several requests at once on this connection (default true). When false, a second BEGIN gets CANT_MPX_CONN. */
  multiplex?: boolean;
  /** Most PARAMS bytes per request (default 128 KiB). */
  maxParamsBytes?: number;
  /** Most name-value pairs per request (default 1000). */
  maxParams?: number;
  /** Roles served (default RESPONDER and AUTHORIZER); others get UNKNOWN_ROLE. */
  roles?: ReadonlySet<number>;
}

const PHASE_PARAMS = 0;
const PHASE_STDIN = 1;
const PHASE_DONE = 2;
const DEFAULT_ROLES: ReadonlySet<number> = new Set([Role.RESPONDER, Role.AUTHORIZER]);

interface RequestState {
  phase: number;
  /** The PARAMS bytes so far: a view of the first record, then (`owned`) a copy that grows by doubling. */
  params: Buffer | null;
  owned: boolean;
  paramsLength: number;
}

/** Appends a PARAMS record's content; the caller has checked that the total stays within `limit`. */
function appendParams(request: RequestState, content: Buffer, limit: number): void {
  const have = request.paramsLength;
  const need = have + content.length;
  if (request.params === null) {
    request.params = content;
  } else {
    let block = request.params;
    if (!request.owned || need > block.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(need * 2, 1024), limit));
      block.copy(grown, 0, 0, have);
      block = grown;
      request.owned = true;
    }
    content.copy(block, have);
    request.params = block;
  }
  request.paramsLength = need;
}

/**
 * Protocol state for one connection: validates framing and ordering, tracks active request ids,
 * gathers PARAMS (which may split a pair across records), and reports events to a {@link SessionHandler}.
 *
 * Closes (reports `error`) on: a version other than 1, BEGIN_REQUEST with id 0 or a body other than
 * 8 bytes, a BEGIN for an id already active, STDIN before PARAMS ended, malformed name-value pairs.
 * Ignores records for inactive ids (specification 3.3).
 *
 * @example
 * ```ts
 * const session = new FastCgiSession(handler, { multiplex: true });
 * socket.on("data", (chunk) => session.receive(chunk));
 * // after writing END_REQUEST for id: session.finish(id)
 * ```
 */
export class FastCgiSession {
  readonly #handler: SessionHandler;
  readonly #parser = new RecordParser();
  readonly #requests = new Map<number, RequestState>();
  readonly #multiplex: boolean;
  readonly #maxParamsBytes: number;
  readonly #maxParams: number;
  readonly #roles: ReadonlySet<number>;
  readonly #onRecord = (type: number, id: number, content: Buffer): void => this.#record(type, id, content);
  #dead = false;

  constructor(handler: SessionHandler, options: SessionOptions = {}) {
    this.#handler = handler;
    this.#multiplex = options.multiplex ?? true;
    this.#maxParamsBytes = options.maxParamsBytes ?? 128 * 1024;
    this.#maxParams = options.maxParams ?? 1000;
    this.#roles = options.roles ?? DEFAULT_ROLES;
  }

  /** Requests begun and not yet finished. */
  get active(): number {
    return this.#requests.size;
  }

  /** True once malformed input was seen; later bytes are ignored. */
  get dead(): boolean {
    return this.#dead;
  }

  /** Bytes held while waiting for the rest of a record. */
  get buffered(): number {
    return this.#parser.buffered;
  }

  /** Feeds received bytes. */
  receive(chunk: Uint8Array): void {
    if (this.#dead) return;
    try {
      this.#parser.push(chunk, this.#onRecord);
    } catch (error) {
      if (!(error instanceof FastCgiProtocolError)) throw error;
      this.#fail(error);
    }
  }

  /** Forgets a request once its END_REQUEST is written: later records for its id are ignored, and the id may be reused. */
  finish(requestId: number): void {
    this.#requests.delete(requestId);
  }

  /** True while `requestId` is begun and not finished. */
  isActive(requestId: number): boolean {
    return this.#requests.has(requestId);
  }

  #fail(error: FastCgiProtocolError): void {
    this.#dead = true;
    this.#parser.stop();
    this.#handler.error(error);
  }

  #record(type: number, id: number, content: Buffer): void {
    if (id === FCGI_NULL_REQUEST_ID) {
      this.#management(type, content);
      return;
    }
    if (type === RecordType.BEGIN_REQUEST) {
      this.#begin(id, content);
      return;
    }
    const request = this.#requests.get(id);
    if (request === undefined) return;
    if (type === RecordType.STDIN) {
      if (request.phase === PHASE_STDIN) {
        if (content.length > 0) {
          this.#handler.stdin(id, content);
        } else {
          request.phase = PHASE_DONE;
          this.#handler.stdinEnd(id);
        }
      } else if (request.phase === PHASE_PARAMS) {
        this.#fail(new FastCgiProtocolError(`STDIN for request ${id} before its PARAMS stream ended`));
      }
    } else if (type === RecordType.PARAMS) {
      if (request.phase === PHASE_PARAMS) this.#params(id, request, content);
    } else if (type === RecordType.ABORT_REQUEST) {
      this.#handler.abort(id);
    }
  }

  #begin(id: number, content: Buffer): void {
    if (content.length !== 8) {
      this.#fail(new FastCgiProtocolError(`BEGIN_REQUEST for request ${id} has a ${content.length}-byte body; it must be 8 bytes`));
      return;
    }
    if (this.#requests.has(id)) {
      this.#fail(new FastCgiProtocolError(`BEGIN_REQUEST for request ${id}, which is still active`));
      return;
    }
    const role = ((content[0] as number) << 8) | (content[1] as number);
    if (!this.#roles.has(role)) {
      this.#handler.reject(id, ProtocolStatus.UNKNOWN_ROLE);
      return;
    }
    if (!this.#multiplex && this.#requests.size > 0) {
      this.#handler.reject(id, ProtocolStatus.CANT_MPX_CONN);
      return;
    }
    this.#requests.set(id, { phase: PHASE_PARAMS, params: null, owned: false, paramsLength: 0 });
    this.#handler.begin(id, role, ((content[2] as number) & FCGI_KEEP_CONN) !== 0);
  }

  #params(id: number, request: RequestState, content: Buffer): void {
    if (content.length > 0) {
      if (request.paramsLength + content.length > this.#maxParamsBytes) {
        request.phase = PHASE_DONE;
        request.params = null;
        this.#handler.paramsRejected(id, `request parameters exceed ${this.#maxParamsBytes} bytes (headers too large)`);
        return;
      }
      appendParams(request, content, this.#maxParamsBytes);
      return;
    }
    const block = request.params === null ? Buffer.alloc(0) : request.params.subarray(0, request.paramsLength);
    request.params = null;
    request.phase = PHASE_STDIN;
    let pairs: Array<[string, string]>;
    try {
      pairs = decodePairs(block, { maxCount: Number.MAX_SAFE_INTEGER });
    } catch (error) {
      this.#fail(error as FastCgiProtocolError);
      return;
    }
    if (pairs.length > this.#maxParams) {
      request.phase = PHASE_DONE;
      this.#handler.paramsRejected(id, `more than ${this.#maxParams} request parameters (too many headers)`);
      return;
    }
    this.#handler.params(id, pairs);
  }

  #management(type: number, content: Buffer): void {
    if (type === RecordType.BEGIN_REQUEST) {
      this.#fail(new FastCgiProtocolError("BEGIN_REQUEST with request id 0, which is reserved for management records"));
      return;
    }
    if (type !== RecordType.GET_VALUES) {
      this.#handler.unknownType(type);
      return;
    }
    let pairs: Array<[string, string]>;
    try {
      pairs = decodePairs(content, { maxCount: 64 });
    } catch (error) {
      this.#fail(error as FastCgiProtocolError);
      return;
    }
    this.#handler.getValues(pairs.map(([name]) => name));
  }
}
