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
  /** Runs a request (its turn came); `res.req` is its request. */
  start(res: ServerResponse): void;
  /** A request is over: its reply closed, or its connection died before it did. Called once per request. */
  release(res: ServerResponse, finished: boolean): void;
  /** The connection was dropped for pipelining too much. */
  overflow(socket: Socket, waiting: number): void;
  /** A connection's pipeline opened or closed (the server keeps the live ones for shutdown). */
  opened(pipeline: Pipeline): void;
  closed(pipeline: Pipeline): void;
}

const PIPELINE = Symbol("tsgi.pipeline");
type Piped = Socket & { [PIPELINE]?: Pipeline };
const OWNER = Symbol("tsgi.pipeline");
const WAITING = 0;
const STARTED = 1;
const RELEASED = 2;
const STATE = Symbol("tsgi.state");
type Tracked = ServerResponse & { [STATE]: number; [OWNER]: Pipeline };

function onClose(this: Tracked): void {
  this[OWNER].release(this);
}

/** The pipeline of one connection, created on its first request. */
export class Pipeline {
  readonly #socket: Socket;
  readonly #limits: PipelineLimits;
  readonly #host: PipelineHost;
  readonly #live = new Set<Tracked>();
  readonly #waiting: Tracked[] = [];
  #active = 0;
  #paused = false;

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

  /** The replies taken and not yet released (running or waiting). */
  get live(): ReadonlySet<ServerResponse> {
    return this.#live;
  }

  /** Takes a request: runs it now, or when the connection's earlier replies are out of the way. */
  admit(res: ServerResponse): void {
    const tracked = res as Tracked;
    tracked[OWNER] = this;
    tracked[STATE] = WAITING;
    this.#live.add(tracked);
    res.on("close", onClose); // emitted once; "on" spares the once-wrapper per request
    if (this.#waiting.length === 0 && this.#canStart()) {
      this.#start(tracked);
      return;
    }
    if (this.#waiting.length >= this.#limits.maxWaiting || this.#socket.destroyed) {
      if (!this.#socket.destroyed) {
        this.#host.overflow(this.#socket, this.#waiting.length);
        this.#socket.destroy();
      }
      this.release(res);
      return;
    }
    this.#waiting.push(tracked);
    if (!this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /** A reply closed (normally or with its connection): releases it once and lets the next one start. */
  release(res: ServerResponse): void {
    const tracked = res as Tracked;
    const state = tracked[STATE];
    if (state === RELEASED) return;
    tracked[STATE] = RELEASED;
    this.#live.delete(tracked);
    this.#host.release(res, res.writableFinished);
    if (state === STARTED) {
      this.#active--;
      if (this.#waiting.length > 0) this.#pump();
    }
  }

  #start(res: Tracked): void {
    res[STATE] = STARTED;
    this.#active++;
    this.#host.start(res);
  }

  #canStart(): boolean {
    return this.#active < this.#limits.maxActive && this.#socket.writableLength < this.#limits.highWater;
  }

  #pump(): void {
    while (this.#waiting.length > 0 && this.#canStart() && !this.#socket.destroyed) {
      const next = this.#waiting.shift() as Tracked;
      if (next[STATE] === WAITING) this.#start(next);
    }
    if (this.#paused && this.#waiting.length === 0 && !this.#socket.destroyed) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #closed(): void {
    this.#waiting.length = 0;
    for (const res of [...this.#live]) this.release(res);
    this.#host.closed(this);
  }
}
