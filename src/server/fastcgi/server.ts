/** The FastCGI server: listens, admits connections and requests within the advertised limits, shuts down gracefully. @module */
import { createServer, type Socket } from "node:net";
import type { App } from "../../contract.js";
import { streamSink } from "../../gateway/log.js";
import { describeBind } from "../bind.js";
import type { RunningServer, StartServer } from "../types.js";
import { FastCgiConnection, type ConnectionHost } from "./connection.js";
import { ConnectionSet } from "../drain.js";
import { boundPort, listenOn, listenTarget } from "../listen.js";
import { fastCgiSettings, type FastCgiServerOptions } from "./options.js";

/** The port FastCGI listens on when no bind is given (on 127.0.0.1). */
export const DEFAULT_FASTCGI_PORT = 9000;

function peerAddress(socket: Socket): string | undefined {
  const address = socket.remoteAddress;
  return address?.startsWith("::ffff:") ? address.slice(7) : address;
}

/**
 * Serves `app` over FastCGI 1.0 (RESPONDER, and AUTHORIZER unless turned off) on TCP, a unix socket
 * or a listening socket inherited on a file descriptor (`bind: "fd:0"`, as lighttpd's `bin-path`,
 * Apache mod_fcgid and spawn-fcgi start FastCGI apps). Many connections are served at once, each may
 * multiplex requests, and `FCGI_MAX_CONNS` / `FCGI_MAX_REQS` are enforced as advertised.
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
  const target = listenTarget(options.bind, DEFAULT_FASTCGI_PORT);
  const log = options.log ?? streamSink(process.stderr);
  const connections = new ConnectionSet<FastCgiConnection>();
  let inFlight = 0;
  let served = 0;
  let closing = false;

  const host: ConnectionHost = {
    app,
    settings,
    log,
    admit: () => {
      if (closing || inFlight >= settings.maxReqs) return false;
      inFlight++;
      return true;
    },
    release: () => {
      inFlight--;
      served++;
    },
    closed: (connection) => connections.delete(connection),
  };

  const server = createServer({ noDelay: true }, (socket) => {
    if (settings.webServerAddrs !== null && socket.remoteAddress !== undefined) {
      const peer = peerAddress(socket) ?? "";
      if (!settings.webServerAddrs.has(peer)) {
        log.write(`tsgi fastcgi: refused a connection from ${peer}: not in FCGI_WEB_SERVER_ADDRS`);
        socket.destroy();
        return;
      }
    }
    if (closing) {
      socket.destroy();
      return;
    }
    connections.add(new FastCgiConnection(socket, host));
  });
  server.maxConnections = settings.maxConns;
  await listenOn(server, target, { protocol: "FastCGI", socketMode: options.socketMode });
  const port = target.kind === "tcp" ? boundPort(server) : undefined;
  const url = describeBind(target.kind === "tcp" ? { ...target, port: port ?? target.port } : target, "fastcgi");

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
