/**
 * `tsgi/http`: serves any tsgi app over HTTP/1.1 with node:http, hardened for direct exposure
 * (slow-client timeouts that really fire, a header-count limit, one Host header) and with graceful shutdown.
 *
 * @example
 * ```ts
 * import { serveHttp } from "tsgi/http";
 * const server = await serveHttp(app, { bind: "127.0.0.1:8000" });
 * console.log(`listening on ${server.url}`);
 * process.once("SIGTERM", () => void server.close({ graceMs: 10_000 }));
 * ```
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Server as NetServer } from "node:net";
import type { App, Env, Reply } from "../../contract.js";
import { EMPTY_INPUT, RequestInput } from "../../gateway/body.js";
import { describeRequest, invoke, stackOf } from "../../gateway/invoke.js";
import { streamSink } from "../../gateway/log.js";
import { planReply } from "../../gateway/reply-plan.js";
import { sendPlan } from "../../gateway/reply-writer.js";
import { describeBind, parseBind, type ListenTarget } from "../bind.js";
import type { RunningServer, StartServer } from "../types.js";
import { buildHttpEnv, Refusal, rememberConnection, type HttpEnvBase } from "./env.js";
import { boundPort, listenOn } from "../listen.js";
import { httpLimits, type HttpServerOptions } from "./options.js";
import { Pipeline, type PipelineHost, type Ticket } from "./pipeline.js";
import { HttpReplySink, writeWhole } from "./reply.js";

export type { HttpServerOptions } from "./options.js";
export { ListenError } from "../listen.js";

function hasBody(env: Env): boolean {
  const length = env.CONTENT_LENGTH;
  if (length !== undefined && length !== "" && length !== "0") return true;
  return env.HTTP_TRANSFER_ENCODING !== undefined;
}

function refuse(res: ServerResponse, refusal: Refusal, method: string): boolean {
  res.shouldKeepAlive = false;
  writeWhole(res, planReply({ status: refusal.status, headers: [["content-type", "text/plain; charset=utf-8"]], body: refusal.message + "\n" }, method), refusal.message + "\n");
  return res.socket !== null;
}

/**
 * Starts an HTTP server for an app. Resolves once it listens; rejects with a {@link ListenError}
 * (`"127.0.0.1:8000 is already in use: ..."`) when it cannot.
 *
 * @example
 * ```ts
 * const server = await serveHttp(app, { bind: "unix:/run/app.sock", development: true });
 * await server.close({ graceMs: 5000 });
 * ```
 */
export const serveHttp: StartServer<HttpServerOptions> = async (app: App, options: HttpServerOptions = {}): Promise<RunningServer> => {
  const limits = httpLimits(options);
  const target: ListenTarget = typeof options.bind === "string" ? parseBind(options.bind) : options.bind ?? parseBind("127.0.0.1:8000");
  const development = options.development === true;
  const log = options.log ?? streamSink(process.stderr);
  let scriptName = options.scriptName ?? "";
  if (scriptName.endsWith("/")) scriptName = scriptName.slice(0, -1);
  const base: HttpEnvBase = { errors: log, multithread: true, multiprocess: options.multiprocess === true, runOnce: false, development, scriptName };
  let inFlight = 0;
  let served = 0;
  let closing = false;
  let allSettled: (() => void) | undefined;

  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    maxHeaderSize: limits.maxHeaderSize,
    requireHostHeader: true,
  });
  // Node drops fields past maxHeadersCount silently; let one more through so the env builder can refuse them.
  server.maxHeadersCount = limits.maxHeaders + 1;
  server.on("connection", rememberConnection);

  const pipelines = new Set<Pipeline>();
  const pipelineHost: PipelineHost = {
    start: (ticket) => run(ticket.res.req, ticket.res, ticket),
    release(ticket, finished) {
      inFlight--;
      served++;
      if (!finished) ticket.abort(new Error("the client closed the connection"));
      if (closing && inFlight === 0) allSettled?.();
    },
    overflow(socket, waiting) {
      log.write(`tsgi http: ${socket.remoteAddress ?? "a client"} pipelined more than ${waiting} requests without reading the replies; closing the connection`);
    },
    opened: (pipeline) => pipelines.add(pipeline),
    closed: (pipeline) => pipelines.delete(pipeline),
  };

  function eachLive(visit: (ticket: Ticket) => void): void {
    for (const pipeline of pipelines) for (const ticket of pipeline.live) visit(ticket);
  }

  function failed(env: Env, res: ServerResponse, error: unknown): void {
    log.write(`tsgi: ${describeRequest(env)}: sending the reply failed: ${stackOf(error)}`);
    res.destroy();
  }

  /** Writes a reply; true when it went whole to the socket (the request is then over). */
  function respond(env: Env, res: ServerResponse, reply: Reply): boolean {
    try {
      const plan = planReply(reply, env.REQUEST_METHOD, development);
      if (plan.stream === null && plan.problem === undefined && plan.discard === undefined) {
        writeWhole(res, plan, plan.whole);
        return res.socket !== null;
      }
      const sending = sendPlan(plan, new HttpReplySink(res), env, log, development);
      if (sending !== undefined) sending.catch((error: unknown) => failed(env, res, error));
    } catch (error) {
      failed(env, res, error);
    }
    return false;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    inFlight++;
    Pipeline.of(req.socket, limits, pipelineHost).admit(res);
  }

  function run(req: IncomingMessage, res: ServerResponse, ticket: Ticket): boolean {
    if (closing) res.shouldKeepAlive = false;
    const env = buildHttpEnv(req, base, EMPTY_INPUT, ticket, limits.maxHeaders);
    if (env instanceof Refusal) return refuse(res, env, req.method ?? "GET");
    if (hasBody(env)) env["tsgi.input"] = new RequestInput(req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>);
    const result = invoke(app, env, log, development);
    if (!(result instanceof Promise)) return respond(env, res, result);
    void result.then((reply) => respond(env, res, reply));
    return false;
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res);
  });

  await listenOn(server, target, { protocol: "HTTP", handle: options.handle });
  const port = boundPort(server);
  const url = target.kind === "tcp" && port !== undefined ? describeBind({ ...target, port }) : describeBind(target);
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  let closeStarted: Promise<void> | undefined;

  let forceTimer: NodeJS.Timeout | undefined;
  let lingerTimer: NodeJS.Timeout | undefined;
  const force = (): void => {
    eachLive((ticket) => ticket.abort(new Error("the server is shutting down")));
    server.closeAllConnections();
  };

  const close = (closeOptions: { graceMs?: number } = {}): Promise<void> => {
    const graceMs = closeOptions.graceMs ?? limits.graceMs;
    if (closeStarted !== undefined) {
      // A second, shorter close (a second SIGTERM) cuts the grace period short.
      if (graceMs === 0) force();
      return closeStarted;
    }
    closing = true;
    // Stop listening but leave idle keep-alive connections open a while: closing them now races
    // clients sending on them (nginx retries only idempotent requests). A request that arrives on one
    // is served with `Connection: close`; connections still idle after the keep-alive timeout close
    // as they would at any time.
    try {
      Reflect.apply(NetServer.prototype.close, server, []);
    } catch {
      server.close(); // runtimes whose http.Server is not a net.Server (Bun): their own close
    }
    eachLive(({ res }) => {
      if (!res.headersSent) res.shouldKeepAlive = false;
    });
    if (graceMs === 0) force();
    else {
      forceTimer = setTimeout(force, graceMs);
      lingerTimer = setTimeout(() => server.closeIdleConnections(), Math.min(graceMs, limits.keepAliveTimeoutMs));
    }
    const settled = new Promise<void>((resolve) => {
      allSettled = resolve;
      if (inFlight === 0) resolve();
    });
    closeStarted = Promise.all([closed, settled]).then(() => {
      clearTimeout(forceTimer);
      clearTimeout(lingerTimer);
    });
    return closeStarted;
  };

  return {
    url,
    port,
    get inFlight() { return inFlight; },
    get served() { return served; },
    close,
  };
};
