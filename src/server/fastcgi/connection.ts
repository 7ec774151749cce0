/** One FastCGI connection: socket glue around the sans-I/O session, requests, backpressure and closing. @module */
import type { Socket } from "node:net";
import type { App, Env, LogSink, Reply } from "../../contract.js";
import { discardBody, EMPTY_INPUT, RequestInput } from "../../gateway/body.js";
import { describeRequest, invoke, stackOf } from "../../gateway/invoke.js";
import { LazyAbort } from "../../gateway/lazy-abort.js";
import { planReply } from "../../gateway/reply-plan.js";
import { sendPlan } from "../../gateway/reply-writer.js";
import {
  encodeEndRequest, encodeGetValuesResult, encodeRecord, encodeResponse, encodeStream, encodeUnknownType,
  FastCgiSession, FCGI_MAX_CONNS, FCGI_MAX_REQS, FCGI_MPXS_CONNS, ProtocolStatus, RecordType, Role, roleName,
  type FastCgiProtocolError, type SessionHandler,
} from "../../protocol/fastcgi/index.js";
import { addressName, type EnvBase } from "../../gateway/env-core.js";
import { BodyQueue } from "../body-queue.js";
import { DrainWaiters, lingerClose, resetSoon } from "../drain.js";
import type { ParamEnvBuilder } from "../../gateway/param-env.js";
import { buildFastCgiEnv } from "./env.js";
import type { FastCgiSettings } from "./options.js";
import { FastCgiReplySink, finishWhole } from "./reply.js";

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly app: App;
  readonly settings: FastCgiSettings;
  readonly log: LogSink;
  /** Makes the envs of the server's requests (shared by its connections). */
  readonly envs: ParamEnvBuilder;
  /** Counts a new request in; false past the connection's or the server's cap, or while shutting down (answer OVERLOADED). */
  admit(requestId: number): boolean;
  /** The request's PARAMS ended: its PARAMS deadline no longer applies. */
  started(requestId: number): void;
  /** Counts a request out. */
  release(requestId: number): void;
  /** The connection closed. */
  closed(connection: FastCgiConnection): void;
}

/** A request on a connection, from BEGIN_REQUEST to END_REQUEST (or the connection's end). */
export interface FastCgiRequest {
  readonly id: number;
  readonly role: number;
  readonly keepConn: boolean;
  /** Its `tsgi.signal`, made only when the app reads it. */
  readonly abort: LazyAbort;
  readonly body: BodyQueue;
  readonly errors: LogSink;
  /** END_REQUEST written, or the request was abandoned: nothing more may be written for it. */
  done: boolean;
  /** PARAMS ended and the app was called. */
  started: boolean;
}


/**
 * Serves the requests of one FastCGI connection. Implements the session's handler: begins requests,
 * runs the app once PARAMS end, streams STDIN into the request body (pausing the socket while an app
 * is not reading), answers management records, and closes after END_REQUEST when the web server did
 * not ask to keep the connection.
 */
export class FastCgiConnection implements SessionHandler {
  readonly socket: Socket;
  readonly #host: ConnectionHost;
  readonly #session: FastCgiSession;
  readonly #requests = new Map<number, FastCgiRequest>();
  readonly #envBase: EnvBase;
  #fullBodies = 0;
  #writeBlocked = false;
  #paused = false;
  #closeWhenIdle = false;
  #ending = false;
  #closed = false;
  readonly #drainWaiters = new DrainWaiters();

  constructor(socket: Socket, host: ConnectionHost) {
    this.socket = socket;
    this.#host = host;
    const settings = host.settings;
    this.#envBase = {
      errors: host.log,
      multithread: true,
      multiprocess: settings.multiprocess,
      runOnce: false,
      development: settings.development,
      scriptName: settings.scriptName,
    };
    this.#session = new FastCgiSession(this, {
      multiplex: settings.multiplex,
      maxParamsBytes: settings.maxParamsBytes,
      maxParams: settings.maxParams,
      roles: settings.roles,
    });
    socket.on("data", (chunk: Buffer) => {
      if (!this.#ending) this.#session.receive(chunk);
    });
    socket.on("drain", () => {
      if (this.#writeBlocked) {
        this.#writeBlocked = false;
        this.#flow();
      }
      this.#drainWaiters.wake();
    });
    socket.on("end", () => this.#peerEnded());
    socket.on("error", () => undefined);
    socket.on("close", () => this.#onClose());
    socket.setTimeout(settings.idleTimeoutMs, () => this.#idle());
  }

  /** Requests in flight on this connection. */
  get active(): number {
    return this.#requests.size;
  }

  /** Closes once the requests in flight are done (server shutdown). */
  closeWhenIdle(): void {
    this.#closeWhenIdle = true;
    if (this.#requests.size === 0) this.#end();
  }

  /** Aborts every request and drops the connection now. */
  destroy(reason: string): void {
    this.#abortAll(reason);
    this.socket.destroy();
  }

  /** Aborts every request and resets the connection (RST), so the web server sees a failure, not an end. */
  reset(reason: string): void {
    this.#ending = true;
    resetSoon(this.socket);
    this.#abortAll(reason);
  }

  /**
   * Writes bytes; false when the socket buffer is full (wait for {@link drained}). While it is full the
   * connection stops reading, so a peer that sends requests without reading replies cannot grow memory.
   */
  write(bytes: Uint8Array): boolean {
    if (this.#closed || this.socket.writableEnded) return true;
    return this.#written(this.socket.write(bytes));
  }

  #written(ok: boolean): boolean {
    if (!ok && !this.#writeBlocked) {
      this.#writeBlocked = true;
      this.#flow();
    }
    return ok;
  }

  /** Writes several buffers as one batch; false when the socket buffer is full. */
  writeAll(parts: Uint8Array[]): boolean {
    if (this.#closed || this.socket.writableEnded) return true;
    if (parts.length <= 4) return this.#written(this.socket.write(parts.length === 1 ? parts[0] as Uint8Array : Buffer.concat(parts)));
    this.socket.cork();
    let ok = true;
    for (const part of parts) ok = this.socket.write(part);
    this.socket.uncork();
    return this.#written(ok && !this.socket.writableNeedDrain);
  }

  /** Resolves when the socket buffer drained, or the connection closed. */
  drained(): Promise<void> {
    if (this.#closed || !this.socket.writableNeedDrain) return Promise.resolve();
    return this.#drainWaiters.wait();
  }

  /** Ends a request: writes its last bytes (empty STDOUT and END_REQUEST), forgets it, and closes if it asked to. */
  finish(request: FastCgiRequest, lastBytes: Uint8Array | null): void {
    if (request.done) return;
    request.done = true;
    if (lastBytes !== null) this.write(lastBytes);
    this.#forget(request);
  }

  // ---- SessionHandler ----

  begin(requestId: number, role: number, keepConn: boolean): void {
    if (!this.#host.admit(requestId)) {
      this.write(encodeEndRequest(requestId, 0, ProtocolStatus.OVERLOADED));
      this.#session.finish(requestId);
      if (!keepConn) this.closeWhenIdle();
      return;
    }
    const request: FastCgiRequest = {
      id: requestId,
      role,
      keepConn,
      abort: new LazyAbort(),
      body: new BodyQueue(this.#host.settings.bodyHighWater, (full) => this.#pressure(full)),
      errors: { write: (message) => this.#stderr(request, message) },
      done: false,
      started: false,
    };
    this.#requests.set(requestId, request);
  }

  params(requestId: number, params: Array<[string, string]>): void {
    const request = this.#requests.get(requestId);
    if (request === undefined) return;
    request.started = true;
    this.#host.started(requestId);
    this.#run(request, params);
  }

  paramsRejected(requestId: number, message: string): void {
    const request = this.#requests.get(requestId);
    if (request === undefined) return;
    const body = Buffer.from(`${message}\n`);
    this.finish(request, encodeResponse(requestId, "Status: 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n\r\n", body));
  }

  stdin(requestId: number, data: Buffer): void {
    this.#requests.get(requestId)?.body.push(data);
  }

  stdinEnd(requestId: number): void {
    this.#requests.get(requestId)?.body.end();
  }

  abort(requestId: number): void {
    const request = this.#requests.get(requestId);
    if (request === undefined) return;
    this.#abandon(request, "the web server aborted the request (FCGI_ABORT_REQUEST)");
    this.#endAborted(request);
  }

  reject(requestId: number, protocolStatus: number): void {
    this.write(encodeEndRequest(requestId, 0, protocolStatus));
  }

  getValues(names: string[]): void {
    const settings = this.#host.settings;
    const known: Record<string, string> = {
      [FCGI_MAX_CONNS]: String(settings.maxConns),
      [FCGI_MAX_REQS]: String(settings.maxReqs),
      [FCGI_MPXS_CONNS]: settings.multiplex ? "1" : "0",
    };
    const values: Array<[string, string]> = [];
    for (const name of names) {
      const value = known[name];
      if (value !== undefined) values.push([name, value]);
    }
    this.write(encodeGetValuesResult(values));
  }

  unknownType(type: number): void {
    this.write(encodeUnknownType(type));
  }

  error(error: FastCgiProtocolError): void {
    this.#host.log.write(`tsgi fastcgi: ${this.socket.remoteAddress ?? "unix socket peer"}: ${error.message}; closing the connection`);
    this.#abortAll("the connection broke the FastCGI protocol");
    this.#end();
  }

  // ---- internals ----

  #run(request: FastCgiRequest, params: Array<[string, string]>): void {
    const host = this.#host;
    const authorizer = request.role === Role.AUTHORIZER;
    if (authorizer) request.body.discard();
    const env = buildFastCgiEnv(host.envs, params, this.#envBase, authorizer ? EMPTY_INPUT : new RequestInput(request.body), request.abort, roleName(request.role));
    env["tsgi.errors"] = request.errors;
    if (env.SERVER_NAME === "") env.SERVER_NAME = addressName(this.socket.localAddress ?? "");
    const result = invoke(host.app, env, host.log, host.settings.development);
    if (result instanceof Promise) void result.then((reply) => this.#respond(request, env, reply));
    else this.#respond(request, env, result);
  }

  #respond(request: FastCgiRequest, env: Env, reply: Reply): void {
    const development = this.#host.settings.development;
    try {
      const plan = planReply(reply, env.REQUEST_METHOD, development);
      if (request.done) {
        void discardBody(reply.body).catch(() => undefined);
        return;
      }
      if (plan.stream === null && plan.problem === undefined && plan.discard === undefined) {
        finishWhole(this, request, plan, plan.whole);
        return;
      }
      sendPlan(plan, new FastCgiReplySink(this, request), env, this.#host.log, development)?.catch((error: unknown) => this.#failed(request, env, error));
    } catch (error) {
      this.#failed(request, env, error);
    }
  }

  /** Writing a reply threw (a bug, not the app's): log it and drop the connection rather than hang the request. */
  #failed(request: FastCgiRequest, env: Env, error: unknown): void {
    this.#host.log.write(`tsgi fastcgi: ${describeRequest(env)}: sending the reply failed: ${stackOf(error)}`);
    this.#abandon(request, "sending the reply failed");
    this.destroy("sending the reply failed");
  }

  /**
   * No bytes for idleTimeoutMs: close unless an app is running. Requests still waiting for their
   * PARAMS are dropped, so a peer cannot hold connections and request slots by never finishing one.
   */
  #idle(): void {
    for (const request of this.#requests.values()) if (request.started) return;
    this.#abortAll("no complete request arrived within the idle timeout");
    this.#end();
  }

  #stderr(request: FastCgiRequest, message: string): void {
    if (request.done || this.#closed) {
      this.#host.log.write(message);
      return;
    }
    const out: Uint8Array[] = [];
    encodeStream(RecordType.STDERR, request.id, Buffer.from(message.endsWith("\n") ? message : message + "\n"), out);
    this.writeAll(out);
  }

  #pressure(full: boolean): void {
    this.#fullBodies += full ? 1 : -1;
    this.#flow();
  }

  /** Reads from the socket unless a request body is full or the socket's write buffer is (never while closing). */
  #flow(): void {
    const pause = !this.#ending && (this.#fullBodies > 0 || this.#writeBlocked);
    if (pause === this.#paused) return;
    this.#paused = pause;
    if (pause) this.socket.pause();
    else this.socket.resume();
  }

  /** Marks a request over without writing: fires its signal and fails its body. */
  #abandon(request: FastCgiRequest, reason: string): void {
    if (request.done) return;
    request.done = true;
    request.body.fail(new Error(`request body unavailable: ${reason}`));
    request.abort.abort(new Error(reason));
  }

  #endAborted(request: FastCgiRequest): void {
    this.write(Buffer.concat([encodeRecord(RecordType.STDOUT, request.id), encodeEndRequest(request.id, 1)]));
    this.#forget(request);
  }

  #forget(request: FastCgiRequest): void {
    if (this.#requests.get(request.id) !== request) return;
    this.#requests.delete(request.id);
    this.#session.finish(request.id);
    request.body.discard();
    this.#host.release(request.id);
    if (!request.keepConn) this.#closeWhenIdle = true;
    if (this.#closeWhenIdle && this.#requests.size === 0) this.#end();
  }

  /**
   * The web server closed its side. nginx does that when its client went away, so every request's
   * `tsgi.signal` fires; but a request sent in full (PARAMS and STDIN ended) still gets the reply its app
   * produces — a peer that only half-closed reads it — then the connection closes. Requests not sent in
   * full can never complete and are dropped.
   */
  #peerEnded(): void {
    const reason = "the web server closed the connection";
    for (const request of [...this.#requests.values()]) {
      if (request.started && request.body.ended) {
        request.abort.abort(new Error(reason));
        continue;
      }
      this.#abandon(request, reason);
      this.#forget(request);
    }
    this.#closeWhenIdle = true;
    if (this.#requests.size === 0) this.#end();
  }

  #abortAll(reason: string): void {
    if (this.#requests.size === 0) return;
    for (const request of [...this.#requests.values()]) {
      this.#abandon(request, reason);
      this.#forget(request);
    }
  }

  /** Closes our side after what was written (FIN, no reset), keeps reading until the peer closes, then drops it. */
  #end(): void {
    if (this.#ending || this.#closed) return;
    this.#ending = true;
    this.#paused = false;
    lingerClose(this.socket);
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#abortAll("the connection closed");
    this.#closed = true;
    this.#drainWaiters.wake();
    this.#host.closed(this);
  }
}
