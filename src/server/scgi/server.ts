/** The SCGI server. @module */
import { ParamEnvBuilder } from "../../gateway/param-env.js";
import type { App } from "../../contract.js";
import { streamSink } from "../../gateway/log.js";
import { SocketServer } from "../socket-server.js";
import type { RunningServer, StartServer } from "../types.js";
import { ScgiConnection, type ScgiHost } from "./connection.js";
import { scgiSettings, type ScgiServerOptions } from "./options.js";

/** The port SCGI listens on when no bind is given (on 127.0.0.1). */
export const DEFAULT_SCGI_PORT = 4000;

/**
 * Serves `app` over SCGI on TCP, a unix socket or an inherited listening socket (`fd:0`): one request
 * per connection, header read strictly, body streamed, connection closed after the reply. A request whose
 * connection was open when `close()` began is still served within the grace period; `close()` may be
 * called again (a second SIGTERM): it returns the same promise, and `graceMs: 0` cuts at once.
 *
 * @example
 * ```ts
 * import { serveScgi } from "tsgi/scgi";
 * const server = await serveScgi(app, { bind: "127.0.0.1:4000" });
 * // nginx: scgi_pass 127.0.0.1:4000; include scgi_params;
 * await server.close({ graceMs: 10_000 });
 * ```
 */
export const serveScgi: StartServer<ScgiServerOptions> = async (app: App, options: ScgiServerOptions = {}): Promise<RunningServer> => {
  const settings = scgiSettings(options);
  const log = options.log ?? streamSink(process.stderr);
  const base: SocketServer<ScgiConnection> = new SocketServer(
    { protocol: "SCGI", scheme: "scgi", defaultPort: DEFAULT_SCGI_PORT, maxConns: settings.maxConns, allowHalfOpen: true },
    (socket) => new ScgiConnection(socket, host),
  );
  const host: ScgiHost = {
    app,
    settings,
    log,
    envs: new ParamEnvBuilder(),
    envBase: { errors: log, multithread: true, multiprocess: settings.multiprocess, runOnce: false, development: settings.development },
    started: () => base.enter(),
    ended: () => base.leave(),
    closed: (connection) => base.remove(connection),
  };
  return base.listen(options);
};
