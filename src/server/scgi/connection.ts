/** One SCGI connection: header, streamed body, reply, close. @module */
import type { Socket } from "node:net";
import type { App, Env, LogSink, Reply } from "../../contract.js";
import { discardBody, RequestInput } from "../../gateway/body.js";
import { addressName, finishEnv, type EnvBase } from "../../gateway/env-core.js";
import type { ParamEnvBuilder } from "../../gateway/param-env.js";
import { describeRequest, invoke, stackOf } from "../../gateway/invoke.js";
import { LazyAbort } from "../../gateway/lazy-abort.js";
import { cgiReplyBytes, planReply } from "../../gateway/reply-plan.js";
import { sendPlan, type ReplySink } from "../../gateway/reply-writer.js";
import { ScgiHeaderParser, ScgiProtocolError, type ScgiHeader } from "../../protocol/scgi/index.js";
import { BodyQueue } from "../body-queue.js";
import { DrainWaiters, lingerClose, resetSoon } from "../drain.js";
import type { ScgiSettings } from "./options.js";

/** What a connection needs from its server. */
export interface ScgiHost {
  readonly app: App;
  readonly settings: ScgiSettings;
  readonly log: LogSink;
  /** Makes the envs of the server's requests (shared by its connections, so it learns the front server's layout). */
  readonly envs: ParamEnvBuilder;
  /** What every env of the server shares. */
  readonly envBase: EnvBase;
  started(): void;
  ended(): void;
  closed(connection: ScgiConnection): void;
}


/**
 * Serves the one request of an SCGI connection: reads the header strictly, streams CONTENT_LENGTH
 * body bytes into `tsgi.input` (pausing the socket while the app is not reading), writes the CGI
 * reply and closes. A body cut short by the peer closing aborts the request.
 */
export class ScgiConnection {
  readonly socket: Socket;
  readonly #host: ScgiHost;
  readonly #parser: ScgiHeaderParser;
  readonly #lazyAbort = new LazyAbort();
  #aborted = false;
  #body: BodyQueue | null = null;
  #remaining = 0;
  #running = false;
  #done = false;
  #ending = false;
  #closed = false;
  #headerTimer: NodeJS.Timeout;
  readonly #drainWaiters = new DrainWaiters();

  constructor(socket: Socket, host: ScgiHost) {
    this.socket = socket;
    this.#host = host;
    this.#parser = new ScgiHeaderParser({ maxHeaderBytes: host.settings.maxHeaderBytes, maxParams: host.settings.maxParams });
    this.#headerTimer = setTimeout(() => this.#refuse(408, "Request Timeout", "the SCGI header did not arrive in time"), host.settings.headerTimeoutMs);
    this.#headerTimer.unref();
    socket.on("data", (chunk: Buffer) => this.#data(chunk));
    socket.on("end", () => this.#peerEnded());
    socket.on("drain", () => this.#drainWaiters.wake());
    socket.on("error", () => undefined);
    socket.on("close", () => this.#onClose());
  }

  /** True while a request is being served. */
  get busy(): boolean {
    return this.#running && !this.#done;
  }

  /**
   * Nothing to do at shutdown: an SCGI connection carries one request and closes after its reply, and one
   * whose header has not arrived yet is a request on its way (nginx opened it), served within the grace period.
   */
  closeWhenIdle(): void {}

  /** Aborts the request and drops the connection. */
  destroy(reason: string): void {
    this.#abort(reason);
    this.socket.destroy();
  }

  #data(chunk: Buffer): void {
    if (this.#ending || this.#done) return;
    if (this.#body !== null) {
      this.#feed(chunk);
      return;
    }
    let header: ScgiHeader | undefined;
    try {
      header = this.#parser.push(chunk);
    } catch (error) {
      if (!(error instanceof ScgiProtocolError)) throw error;
      this.#refuse(400, "Bad Request", error.message);
      return;
    }
    if (header !== undefined) this.#start(header);
  }

  #feed(chunk: Buffer): void {
    const body = this.#body as BodyQueue;
    if (this.#remaining === 0) return;
    const take = chunk.length <= this.#remaining ? chunk : chunk.subarray(0, this.#remaining);
    this.#remaining -= take.length;
    if (take.length > 0) body.push(take);
    if (this.#remaining === 0) {
      body.end();
      this.socket.setTimeout(0);
    }
  }

  /** Waits at most bodyTimeoutMs between body bytes, except while the app is not reading (paused). */
  #watchBody(on: boolean): void {
    if (on && this.#remaining > 0 && !this.#ending) {
      this.socket.setTimeout(this.#host.settings.bodyTimeoutMs, () => {
        this.#host.log.write(`tsgi scgi: ${this.socket.remoteAddress ?? "unix socket peer"}: no request body byte arrived within bodyTimeoutMs (${this.#host.settings.bodyTimeoutMs} ms) with ${this.#remaining} of CONTENT_LENGTH still due; closing the connection`);
        this.#abort("the request body stopped arriving (bodyTimeoutMs)");
      });
    } else {
      this.socket.setTimeout(0);
    }
  }

  #start(header: ScgiHeader): void {
    clearTimeout(this.#headerTimer);
    const settings = this.#host.settings;
    this.#running = true;
    this.#host.started();
    this.#remaining = header.contentLength;
    const body = new BodyQueue(settings.bodyHighWater, (full) => {
      if (this.#ending) return;
      this.#watchBody(!full);
      if (full) this.socket.pause();
      else this.socket.resume();
    });
    this.#body = body;
    if (this.#remaining === 0) body.end();
    else {
      this.#watchBody(true);
      if (header.rest.length > 0) this.#feed(header.rest);
    }
    const env = this.#host.envs.build(this.#host.envBase, new RequestInput(body), this.#lazyAbort, header.params);
    finishEnv(env, settings.scriptName);
    // No Host and no SERVER_NAME/SERVER_ADDR from the front server: this server's own address.
    if (env.SERVER_NAME === "") env.SERVER_NAME = addressName(this.socket.localAddress ?? "");
    const result = invoke(this.#host.app, env, this.#host.log, settings.development);
    if (result instanceof Promise) void result.then((reply) => this.#respond(env, reply));
    else this.#respond(env, result);
  }

  #respond(env: Env, reply: Reply): void {
    const development = this.#host.settings.development;
    try {
      const plan = planReply(reply, env.REQUEST_METHOD, development);
      if (this.#done) {
        void discardBody(reply.body).catch(() => undefined);
        return;
      }
      if (plan.stream === null && plan.problem === undefined && plan.discard === undefined) {
        this.#finish(cgiReplyBytes(plan, plan.whole));
        return;
      }
      sendPlan(plan, this.#sink(), env, this.#host.log, development)?.catch((error: unknown) => this.#failed(env, error));
    } catch (error) {
      this.#failed(env, error);
    }
  }

  /** Writing a reply threw (a bug, not the app's): log it and drop the connection rather than hang it. */
  #failed(env: Env, error: unknown): void {
    this.#host.log.write(`tsgi scgi: ${describeRequest(env)}: sending the reply failed: ${stackOf(error)}`);
    this.#abort("sending the reply failed");
  }

  #sink(): ReplySink {
    const done = (): boolean => this.#done;
    return {
      get gone() { return done(); },
      whole: (plan, body) => this.#finish(cgiReplyBytes(plan, body)),
      head: (plan, first) => this.socket.write(cgiReplyBytes(plan, first)),
      chunk: (bytes) => this.socket.write(bytes),
      drained: () => this.#drained(),
      end: () => this.#finish(null),
      cut: () => {
        this.#done = true;
        this.#host.ended();
        // A reset, not a FIN: nginx takes an SCGI connection's FIN for the reply's normal end.
        this.#ending = true;
        resetSoon(this.socket);
      },
    };
  }

  #drained(): Promise<void> {
    if (this.#closed || !this.socket.writableNeedDrain) return Promise.resolve();
    return this.#drainWaiters.wait();
  }

  #finish(last: Uint8Array | null): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#running) this.#host.ended();
    if (last !== null && !this.#closed) this.socket.write(last);
    this.#body?.discard();
    this.#end();
  }

  #refuse(status: number, reason: string, message: string): void {
    if (this.#done || this.#running) return;
    this.#host.log.write(`tsgi scgi: ${this.socket.remoteAddress ?? "unix socket peer"}: ${message}; closing the connection`);
    this.#done = true;
    clearTimeout(this.#headerTimer);
    if (!this.#closed) this.socket.write(`Status: ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\n\r\n${message}\n`);
    this.#end();
  }

  #peerEnded(): void {
    if (this.#body !== null && !this.#body.ended) {
      this.#abort("the connection closed before the whole request body arrived");
      return;
    }
    if (!this.#running) {
      clearTimeout(this.#headerTimer);
      this.#done = true;
      this.#end();
    }
  }

  #abort(reason: string): void {
    if (this.#done && this.#aborted) return;
    const wasRunning = this.#running && !this.#done;
    this.#done = true;
    this.#body?.fail(new Error(`request body unavailable: ${reason}`));
    if (!this.#aborted) {
      this.#aborted = true;
      this.#lazyAbort.abort(new Error(reason));
    }
    if (wasRunning) this.#host.ended();
    this.#drainWaiters.wake();
    if (!this.#closed) this.socket.destroy();
  }

  /** FIN after what was written (no reset), keep reading until the peer closes, then drop it. */
  #end(): void {
    if (this.#ending || this.#closed) return;
    this.#ending = true;
    lingerClose(this.socket);
  }

  #onClose(): void {
    this.#closed = true;
    clearTimeout(this.#headerTimer);
    if (!this.#done) this.#abort("the connection closed");
    this.#drainWaiters.wake();
    this.#host.closed(this);
  }
}
