/** The FastCGI server: listens, admits connections and requests within the advertised limits, shuts down gracefully. @module */
import type { App, LogSink } from "../../contract.js";
import { streamSink } from "../../gateway/log.js";
import type { RunningServer, StartServer } from "../types.js";
import { ConnectionAdmission, peerAddress, SocketServer, StartDeadlines } from "../socket-server.js";
import { FastCgiConnection, type ConnectionHost } from "./connection.js";
import { fastCgiEnvs } from "./env.js";
import { fastCgiSettings, type FastCgiServerOptions, type FastCgiSettings } from "./options.js";
import type { ParamEnvBuilder } from "../../gateway/param-env.js";

/** The port FastCGI listens on when no bind is given (on 127.0.0.1). */
export const DEFAULT_FASTCGI_PORT = 9000;

/**
 * The server as one connection sees it: the app and settings, and that connection's admission (its cap of
 * requests in flight and the PARAMS deadline). The connection passes request ids to `admit`/`release` and
 * calls `started(id)` when PARAMS end; without ids the cap still holds but the deadline cannot be kept.
 */
class FastCgiHost implements ConnectionHost {
  readonly #admission: ConnectionAdmission;
  readonly #base: SocketServer<FastCgiConnection>;

  constructor(
    readonly app: App,
    readonly settings: FastCgiSettings,
    readonly log: LogSink,
    readonly envs: ParamEnvBuilder,
    base: SocketServer<FastCgiConnection>,
    deadlines: StartDeadlines,
    expire: (requestId: number) => void,
  ) {
    this.#base = base;
    this.#admission = new ConnectionAdmission(base, { maxRequests: settings.maxReqs, perConnection: settings.maxReqsPerConn }, deadlines, expire);
  }

  admit(requestId?: number): boolean {
    return this.#admission.admit(requestId);
  }

  started(requestId: number): void {
    this.#admission.started(requestId);
  }

  release(requestId?: number): void {
    this.#admission.release(requestId);
  }

  closed(connection: FastCgiConnection): void {
    this.#admission.dispose();
    this.#base.remove(connection);
  }
}

/**
 * Serves `app` over FastCGI 1.0 (RESPONDER, and AUTHORIZER unless turned off) on TCP, a unix socket
 * or a listening socket inherited on a file descriptor (`bind: "fd:0"`, as lighttpd's `bin-path`,
 * Apache mod_fcgid and spawn-fcgi start FastCGI apps). Many connections are served at once, each may
 * multiplex up to `maxReqsPerConn` requests, and `FCGI_MAX_CONNS` / `FCGI_MAX_REQS` are enforced as advertised.
 * `close()` may be called again (a second SIGTERM): it returns the same promise, and `graceMs: 0` cuts at once.
 *
 * @example
 * ```ts
 * import { serveFastCgi } from "tsgi/fastcgi";
 * const server = await serveFastCgi(app, { bind: "127.0.0.1:9000" });
 * // nginx: fastcgi_pass 127.0.0.1:9000; fastcgi_keep_conn on;
 * await server.close({ graceMs: 10_000 });
 * ```
 */
export const serveFastCgi: StartServer<FastCgiServerOptions> = async (app: App, options: FastCgiServerOptions = {}): Promise<RunningServer> => {
  const settings = fastCgiSettings(options);
  const log = options.log ?? streamSink(process.stderr);
  const allowed = settings.webServerAddrs;
  const deadlines = new StartDeadlines(settings.paramsTimeoutMs);
  const envs = fastCgiEnvs();
  const base: SocketServer<FastCgiConnection> = new SocketServer({ protocol: "FastCGI", scheme: "fastcgi", defaultPort: DEFAULT_FASTCGI_PORT, maxConns: settings.maxConns, allowHalfOpen: true }, (socket) => {
    if (allowed !== null && socket.remoteAddress !== undefined) {
      const peer = peerAddress(socket) ?? "";
      if (!allowed.has(peer)) {
        log.write(`tsgi fastcgi: refused a connection from ${peer}: not in FCGI_WEB_SERVER_ADDRS`);
        socket.destroy();
        return undefined;
      }
    }
    const connection: FastCgiConnection = new FastCgiConnection(socket, new FastCgiHost(app, settings, log, envs, base, deadlines, (requestId) => {
      const peer = socket.remoteAddress ?? "unix socket peer";
      const reason = `request ${requestId} did not finish its PARAMS within paramsTimeoutMs (${settings.paramsTimeoutMs} ms)`;
      log.write(`tsgi fastcgi: ${peer}: ${reason}; closing the connection`);
      connection.destroy(reason);
    }));
    return connection;
  });
  return base.listen(options);
};
