/** The SCGI server. @module */
import { createServer } from "node:net";
import type { App } from "../../contract.js";
import { streamSink } from "../../gateway/log.js";
import { describeBind } from "../bind.js";
import { ConnectionSet } from "../drain.js";
import { boundPort, listenOn, listenTarget } from "../listen.js";
import type { RunningServer, StartServer } from "../types.js";
import { ScgiConnection, type ScgiHost } from "./connection.js";
import { scgiSettings, type ScgiServerOptions } from "./options.js";

/** The port SCGI listens on when no bind is given (on 127.0.0.1). */
export const DEFAULT_SCGI_PORT = 4000;

/**
 * Serves `app` over SCGI on TCP, a unix socket or an inherited listening socket (`fd:0`): one request
 * per connection, header read strictly, body streamed, connection closed after the reply.
 *
 * @example
 * ```ts
 * import { serveScgi } from "tsgi/scgi";
 * const server = await serveScgi(app, { bind: "127.0.0.1:4000" });
 * // nginx: scgi_pass 127.0.0.1:4000; include scgi_params;
 * ```
 */
export const serveScgi: StartServer<ScgiServerOptions> = async (app: App, options: ScgiServerOptions = {}): Promise<RunningServer> => {
  const settings = scgiSettings(options);
  const target = listenTarget(options.bind, DEFAULT_SCGI_PORT);
  const log = options.log ?? streamSink(process.stderr);
  const connections = new ConnectionSet<ScgiConnection>();
  let inFlight = 0;
  let served = 0;
  let closing = false;
  const host: ScgiHost = {
    app,
    settings,
    log,
    started: () => {
      inFlight++;
    },
    ended: () => {
      inFlight--;
      served++;
    },
    closed: (connection) => connections.delete(connection),
  };
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    connections.add(new ScgiConnection(socket, host));
  });
  server.maxConnections = settings.maxConns;
  await listenOn(server, target, { protocol: "SCGI", socketMode: options.socketMode });
  const port = target.kind === "tcp" ? boundPort(server) : undefined;
  const url = describeBind(target.kind === "tcp" ? { ...target, port: port ?? target.port } : target, "scgi");

  const close = async ({ graceMs = 30_000 }: { graceMs?: number } = {}): Promise<void> => {
    closing = true;
    await connections.drain(server, graceMs);
  };

  return {
    url,
    port,
    get inFlight() {
      return inFlight;
    },
    get served() {
      return served;
    },
    close,
  };
};
