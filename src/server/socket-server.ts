/**
 * What the FastCGI and SCGI servers share: listening, the live connections, the request counters, option
 * checks, per-connection admission and one idempotent `close()`. Each protocol adds only how an accepted
 * socket becomes a connection.
 * @module
 */
import { ServerOptionError } from "./errors.js";
import { createServer, type Server, type Socket } from "node:net";
import { describeBind } from "./bind.js";
import { ConnectionSet, MAX_TIMER_MS, type Drainable } from "./drain.js";
import { boundPort, listenOn, listenTarget } from "./listen.js";
import type { RunningServer, ServerOptions } from "./types.js";

/**
 * Validates a count option: `fallback` when unset, else a positive integer, else an error naming the
 * protocol, the option and the value.
 *
 * @example
 * ```ts
 * positiveInteger("SCGI", "maxConns", options.maxConns, 1024); // 1024 when unset
 * positiveInteger("SCGI", "maxConns", 0, 1024); // throws "SCGI option maxConns must be a positive integer; got 0"
 * ```
 */
export function positiveInteger(protocol: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new ServerOptionError(`${protocol} option ${name} must be a positive integer; got ${value}`);
  return value;
}

/**
 * Validates a timeout option in milliseconds: `fallback` when unset, else a positive integer a timer can
 * hold (up to 2147483647, about 24.8 days), else an error naming the protocol, the option and the value.
 *
 * @example
 * ```ts
 * timeoutOption("FastCGI", "paramsTimeoutMs", options.paramsTimeoutMs, 10_000);
 * ```
 */
export function timeoutOption(protocol: string, name: string, value: number | undefined, fallback: number): number {
  const ms = positiveInteger(protocol, name, value, fallback);
  if (ms > MAX_TIMER_MS) throw new ServerOptionError(`${protocol} option ${name} must be at most ${MAX_TIMER_MS} ms (about 24.8 days); got ${ms}`);
  return ms;
}

/** Checks `socketMode` (permission bits, 0 to 0o777); throws naming the option. */
export function checkSocketMode(protocol: string, mode: number | undefined): number | undefined {
  if (mode !== undefined && (!Number.isInteger(mode) || mode < 0 || mode > 0o777)) {
    throw new ServerOptionError(`${protocol} option socketMode must be permission bits from 0 to 0o777 (e.g. 0o660); got ${mode}`);
  }
  return mode;
}

/** The peer's address without the `::ffff:` prefix of IPv4-mapped addresses; undefined for unix sockets. */
export function peerAddress(socket: Socket): string | undefined {
  const address = socket.remoteAddress;
  return address?.startsWith("::ffff:") ? address.slice(7) : address;
}

/** A grace period is a number of milliseconds, 0 (cut at once) to `Infinity` (wait for every request). */
function checkGrace(graceMs: number): void {
  if (Number.isNaN(graceMs) || graceMs < 0) {
    throw new RangeError(`close(): graceMs must be a number of milliseconds >= 0 (0 cuts in-flight requests at once, Infinity waits for them); got ${graceMs}`);
  }
}

/** What a protocol tells {@link SocketServer} about itself. */
export interface SocketServerSpec {
  /** `FastCGI`, `SCGI`: named in messages. */
  protocol: string;
  /** The scheme in `RunningServer.url` for TCP binds: `fastcgi`, `scgi`. */
  scheme: string;
  /** The loopback port used when no bind is given. */
  defaultPort: number;
  /** Most concurrent connections (already validated). */
  maxConns: number;
  /** Keep a connection writable after the peer half-closes (SCGI: the request ends with FIN). */
  allowHalfOpen?: boolean;
}

/**
 * A listening socket server: accepts connections (refusing them once closing), counts requests in flight
 * and served, and drains on `close()`. The protocol's `accept` turns a socket into a connection (or
 * returns undefined after dropping it); the connection reports back through {@link admit} / {@link enter},
 * {@link leave} and {@link remove}.
 *
 * @example
 * ```ts
 * const base = new SocketServer<ScgiConnection>({ protocol: "SCGI", scheme: "scgi", defaultPort: 4000, maxConns: 1024 },
 *   (socket) => new ScgiConnection(socket, { ..., started: () => base.enter(), ended: () => base.leave(), closed: (c) => base.remove(c) }));
 * const running = await base.listen(options); // a RunningServer: url, port, inFlight, served, close()
 * ```
 */
export class SocketServer<C extends Drainable> {
  readonly #spec: SocketServerSpec;
  readonly #server: Server;
  readonly #connections = new ConnectionSet<C>();
  #inFlight = 0;
  #served = 0;

  constructor(spec: SocketServerSpec, accept: (socket: Socket) => C | undefined) {
    this.#spec = spec;
    this.#server = createServer({ noDelay: true, allowHalfOpen: spec.allowHalfOpen ?? false }, (socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      const connection = accept(socket);
      if (connection !== undefined) this.#connections.add(connection);
    });
    this.#server.maxConnections = spec.maxConns;
  }

  /** True once `close()` was called: new requests are refused. */
  get closing(): boolean {
    return this.#connections.draining;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Requests finished since start. */
  get served(): number {
    return this.#served;
  }

  /** Counts a request in unless closing or `limit` requests are in flight; false means refuse it. */
  admit(limit: number): boolean {
    if (this.closing || this.#inFlight >= limit) return false;
    this.#inFlight++;
    return true;
  }

  /** Counts a request in unconditionally (a request already on its way when shutdown began). */
  enter(): void {
    this.#inFlight++;
  }

  /** Counts a request out, as served. */
  leave(): void {
    this.#inFlight--;
    this.#served++;
  }

  /** Forgets a closed connection. */
  remove(connection: C): void {
    this.#connections.delete(connection);
  }

  /** Listens on `options.bind` (default: loopback, the protocol's port) and returns the running server. */
  async listen(options: ServerOptions & { socketMode?: number | undefined }): Promise<RunningServer> {
    const spec = this.#spec;
    const target = listenTarget(options.bind, spec.defaultPort);
    await listenOn(this.#server, target, { protocol: spec.protocol, socketMode: options.socketMode });
    const port = target.kind === "tcp" ? boundPort(this.#server) : undefined;
    const url = describeBind(target.kind === "tcp" ? { ...target, port: port ?? target.port } : target, spec.scheme);
    const inFlight = (): number => this.inFlight;
    const served = (): number => this.served;
    return {
      url,
      port,
      get inFlight() {
        return inFlight();
      },
      get served() {
        return served();
      },
      close: (closeOptions) => this.close(closeOptions),
    };
  }

  /**
   * Stops accepting, lets in-flight requests finish for up to `graceMs` (default 30 s), then cuts them.
   * Idempotent: every call returns the same promise; a call with a shorter grace cuts sooner.
   */
  close({ graceMs = 30_000 }: { graceMs?: number } = {}): Promise<void> {
    try {
      checkGrace(graceMs);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#connections.drain(this.#server, graceMs);
  }
}

/** The server-wide request counter a {@link ConnectionAdmission} draws from ({@link SocketServer} is one). */
export interface RequestCounter {
  admit(limit: number): boolean;
  leave(): void;
}

/** Ticks per timeout of {@link StartDeadlines}: a late request is noticed within 1¼ timeouts. */
const TICKS_PER_TIMEOUT = 4;

/**
 * The deadline for admitted requests to start (FastCGI: PARAMS complete), kept for every connection of a
 * server by one unref'd timer that ticks every quarter of the timeout while connections are open. Requests
 * are stamped with the tick count, not the clock, so a request that starts at once (every web server
 * sends PARAMS with BEGIN_REQUEST) costs a few field writes. A late request is noticed between
 * `timeoutMs` and 1¼ × `timeoutMs` after it was admitted.
 *
 * @example
 * ```ts
 * const deadlines = new StartDeadlines(10_000); // one per server, shared by its ConnectionAdmissions
 * ```
 */
export class StartDeadlines {
  readonly timeoutMs: number;
  readonly #watched = new Set<ConnectionAdmission>();
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** The current tick: the stamp of a request admitted now. */
  get tick(): number {
    return this.#tick;
  }

  /** Starts checking `admission` (its connection opened). */
  watch(admission: ConnectionAdmission): void {
    this.#watched.add(admission);
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#check(), Math.max(1, Math.ceil(this.timeoutMs / TICKS_PER_TIMEOUT)));
    this.#timer.unref();
  }

  /** Stops checking `admission` (its connection closed). */
  unwatch(admission: ConnectionAdmission): void {
    this.#watched.delete(admission);
    if (this.#watched.size > 0 || this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    this.#tick++;
    // Stamped at or before this tick, a request has waited at least TICKS_PER_TIMEOUT whole ticks.
    const late = this.#tick - TICKS_PER_TIMEOUT - 1;
    for (const admission of this.#watched) admission.expireIfWaitingSince(late);
  }
}

/** Limits of one connection's requests, enforced by {@link ConnectionAdmission}. */
export interface AdmissionLimits {
  /** Most requests in flight over the whole server. */
  maxRequests: number;
  /** Most requests in flight on this connection. */
  perConnection: number;
}

/** No request waits in the first slot. */
const NONE = -1;

/**
 * Admission of the requests of one multiplexing connection: a cap on its requests in flight (so one peer
 * cannot take every slot of the server), and a deadline ({@link StartDeadlines}) for each admitted request
 * to start.
 *
 * The connection calls `admit(id)` for each new request (false: refuse it), `started(id)` once its head
 * is complete, and `release(id)` when it ends; `expire(id)` is called once if a request has not started
 * in time (drop the connection), and `dispose()` when the connection closes. Without ids the cap holds
 * but no deadline is kept.
 *
 * @example
 * ```ts
 * const admission = new ConnectionAdmission(base, { maxRequests: 4096, perConnection: 100 }, deadlines,
 *   (id) => connection.destroy(`request ${id} did not send its PARAMS in time`));
 * if (!admission.admit(id)) answerOverloaded(id);
 * ```
 */
export class ConnectionAdmission {
  readonly #counter: RequestCounter;
  readonly #limits: AdmissionLimits;
  readonly #deadlines: StartDeadlines;
  readonly #expire: (requestId: number) => void;
  #held = 0;
  /** The one waiting request of the usual case, and its tick stamp. */
  #firstId = NONE;
  #firstTick = 0;
  /** Further waiting requests (multiplexing peers): id → tick stamp, oldest first; made on first use. */
  #more: Map<number, number> | undefined;
  #disposed = false;

  constructor(counter: RequestCounter, limits: AdmissionLimits, deadlines: StartDeadlines, expire: (requestId: number) => void) {
    this.#counter = counter;
    this.#limits = limits;
    this.#deadlines = deadlines;
    this.#expire = expire;
    deadlines.watch(this);
  }

  /** Requests of this connection in flight. */
  get held(): number {
    return this.#held;
  }

  /** Counts a request in; false past the per-connection cap, the server-wide limit, or while closing. */
  admit(requestId?: number): boolean {
    if (this.#held >= this.#limits.perConnection || !this.#counter.admit(this.#limits.maxRequests)) return false;
    this.#held++;
    if (requestId === undefined || this.#disposed) return true;
    if (this.#firstId === NONE) {
      this.#firstId = requestId;
      this.#firstTick = this.#deadlines.tick;
    } else {
      (this.#more ??= new Map()).set(requestId, this.#deadlines.tick);
    }
    return true;
  }

  /** The request's head is complete: its deadline no longer applies. */
  started(requestId: number): void {
    if (this.#firstId === requestId) this.#firstId = NONE;
    else this.#more?.delete(requestId);
  }

  /** Counts a request out (served, refused after admission, or aborted). */
  release(requestId?: number): void {
    if (this.#held === 0) return;
    this.#held--;
    if (requestId !== undefined) this.started(requestId);
    this.#counter.leave();
  }

  /** The connection closed: stop checking. Requests still held are released by the connection. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#firstId = NONE;
    this.#more = undefined;
    this.#deadlines.unwatch(this);
  }

  /** Calls `expire` (once) for a request stamped at or before tick `late` that is still waiting to start. */
  expireIfWaitingSince(late: number): void {
    let id = this.#firstId !== NONE && this.#firstTick <= late ? this.#firstId : NONE;
    if (id === NONE && this.#more !== undefined) {
      const oldest = this.#more.entries().next();
      if (oldest.done !== true && oldest.value[1] <= late) id = oldest.value[0];
    }
    if (id === NONE) return;
    this.dispose();
    this.#expire(id);
  }
}
