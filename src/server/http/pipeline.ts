/**
 * Backpressure for pipelined HTTP requests on one connection. node:http calls the request handler for
 * every request it parses from a chunk at once, and keeps each reply in memory until the ones before it
 * are sent — a client that pipelines thousands of requests and never reads can pin gigabytes. Here at
 * most `maxActive` requests of a connection run at once; later ones wait (reading paused) until earlier
 * replies are done and the socket's buffer drained; past `maxWaiting` the connection is dropped.
 * When the socket closes, every request it carried is released: node emits no `close` for replies still
 * queued behind a dead socket.
 * @module
 */
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { LazyAbort } from "../../gateway/lazy-abort.js";

/** Limits of one connection's pipeline. */
export interface PipelineLimits {
  /** Requests of one connection run at once (default 8). */
  maxActive: number;
  /** Pipelined requests that may wait for those (default 4096: more than one 64 KiB read can carry); more drops the connection. */
  maxWaiting: number;
  /** Unsent bytes in the socket's buffer above which no further request starts (default 256 KiB). */
  highWater: number;
}

/** What a pipeline tells the server. */
export interface PipelineHost {
  /**
   * Runs a request (its turn came); `ticket.res.req` is its request. Returns true when the whole reply
   * was handed to the connection's socket before returning (the usual synchronous app): the request is
   * then over at once, and no `close` listener is needed to learn it.
   */
  start(ticket: Ticket): boolean;
  /** A request is over: its reply closed, or its connection died before it did. Called once per request. */
  release(ticket: Ticket, finished: boolean): void;
  /** The connection was dropped for pipelining too much. */
  overflow(socket: Socket, waiting: number): void;
  /** A connection's pipeline opened or closed (the server keeps the live ones for shutdown). */
  opened(pipeline: Pipeline): void;
  closed(pipeline: Pipeline): void;
}

const PIPELINE = Symbol("tsgi.pipeline");
type Piped = Socket & { [PIPELINE]?: Pipeline };
const WAITING = 0;
const STARTED = 1;
const RELEASED = 2;
const TICKET = Symbol("tsgi.ticket");

/**
 * A request's place in its connection's pipeline, and its lazily made `tsgi.signal`. The reply learns
 * its ticket only when the request outlives its start (a `close` listener must find it): each key added
 * to a node:http reply costs a property store on the hot path.
 */
export class Ticket extends LazyAbort {
  state = WAITING;
  constructor(readonly pipeline: Pipeline, readonly res: ServerResponse) {
    super();
  }
}

type Tracked = ServerResponse & { [TICKET]?: Ticket };

function onClose(this: Tracked): void {
  const ticket = this[TICKET] as Ticket;
  ticket.pipeline.release(ticket);
}

/** The pipeline of one connection, created on its first request. */
export class Pipeline {
  readonly #socket: Socket;
  readonly #limits: PipelineLimits;
  readonly #host: PipelineHost;
  /** The live requests: the usual single one in a field, more (pipelining) in a set made on first use. */
  #only: Ticket | undefined = undefined;
  #more: Set<Ticket> | undefined = undefined;
  readonly #waiting: Ticket[] = [];
  #active = 0;
  #paused = false;
  #pumping = false;

  private constructor(socket: Socket, limits: PipelineLimits, host: PipelineHost) {
    this.#socket = socket;
    this.#limits = limits;
    this.#host = host;
    socket.on("drain", () => this.#pump());
    socket.once("close", () => this.#closed());
    host.opened(this);
  }

  /** The pipeline of a socket, made on first use. */
  static of(socket: Socket, limits: PipelineLimits, host: PipelineHost): Pipeline {
    const piped = socket as Piped;
    return piped[PIPELINE] ??= new Pipeline(socket, limits, host);
  }

  /** The requests taken and not yet released (running or waiting). */
  get live(): Ticket[] {
    const out: Ticket[] = this.#only === undefined ? [] : [this.#only];
    if (this.#more !== undefined) out.push(...this.#more);
    return out;
  }

  /** Takes a request: runs it now, or when the connection's earlier replies are out of the way. */
  admit(res: ServerResponse): void {
    const ticket = new Ticket(this, res);
    if (this.#only === undefined) this.#only = ticket;
    else (this.#more ??= new Set()).add(ticket);
    if (this.#waiting.length === 0 && this.#canStart()) {
      this.#start(ticket);
      return;
    }
    if (this.#waiting.length >= this.#limits.maxWaiting || this.#socket.destroyed) {
      if (!this.#socket.destroyed) {
        this.#host.overflow(this.#socket, this.#waiting.length);
        this.#socket.destroy();
      }
      this.release(ticket, false);
      return;
    }
    this.#waiting.push(ticket);
    if (!this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /**
   * A request is over (its reply handed whole to the socket, closed, or its connection died): releases
   * it once and lets the next one start. `finished` defaults to whether node finished writing the reply.
   */
  release(ticket: Ticket, finished = ticket.res.writableFinished): void {
    const state = ticket.state;
    if (state === RELEASED) return;
    ticket.state = RELEASED;
    if (this.#only === ticket) this.#only = undefined;
    else this.#more?.delete(ticket);
    this.#host.release(ticket, finished);
    if (state === STARTED) {
      this.#active--;
      if (this.#waiting.length > 0 && !this.#pumping) this.#pump();
    }
  }

  #start(ticket: Ticket): void {
    ticket.state = STARTED;
    this.#active++;
    // A reply handed whole to the socket is over; its bytes count in the socket's buffer (highWater). A
    // reply still running, streaming or queued behind an earlier one (no socket yet) ends at its close.
    if (this.#host.start(ticket)) this.release(ticket, true);
    else {
      const res = ticket.res as Tracked;
      res[TICKET] = ticket;
      res.on("close", onClose); // emitted once; "on" spares the once-wrapper per request
    }
  }

  #canStart(): boolean {
    return this.#active < this.#limits.maxActive && this.#socket.writableLength < this.#limits.highWater;
  }

  #pump(): void {
    this.#pumping = true;
    try {
      while (this.#waiting.length > 0 && this.#canStart() && !this.#socket.destroyed) {
        const next = this.#waiting.shift() as Ticket;
        if (next.state === WAITING) this.#start(next);
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#paused && this.#waiting.length === 0 && !this.#socket.destroyed) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #closed(): void {
    this.#waiting.length = 0;
    for (const ticket of this.live) this.release(ticket);
    this.#host.closed(this);
  }
}
