/** Listening on a bind target with errors people can act on. @module */
import { connect, type Server } from "node:net";
import { unlinkSync } from "node:fs";
import { describeBind, type ListenTarget } from "../bind.js";

/** A listen failure with one line naming the cause and the fix; `code` is Node's (`EADDRINUSE`...). */
export class ListenError extends Error {
  override readonly name = "ListenError";
  constructor(message: string, readonly code: string | undefined, options?: { cause: unknown }) {
    super(message, options);
  }
}

function explain(target: ListenTarget, error: NodeJS.ErrnoException): ListenError {
  const where = target.kind === "tcp" ? `${target.host}:${target.port}` : describeBind(target);
  const hints: Record<string, string> = {
    EADDRINUSE: `${where} is already in use: stop the other server or pick another --bind`,
    EACCES: `no permission to listen on ${where}: use a port above 1023 or run with the needed privilege`,
    EADDRNOTAVAIL: `${where} is not an address of this machine: bind 127.0.0.1, 0.0.0.0 or one of its addresses`,
    ENOTFOUND: `cannot resolve the host in ${where}`,
    EBADF: `${where} is not an open file descriptor`,
    ENOTSOCK: `${where} is not a socket`,
    EINVAL: `${where} is not a listening socket`,
  };
  const text = error.code !== undefined ? hints[error.code] : undefined;
  return new ListenError(text ?? `cannot listen on ${where}: ${error.message}`, error.code, { cause: error });
}

function once(server: Server, listenArg: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    (server.listen as (arg: unknown) => void)(listenArg);
  });
}

/** True when something accepts connections on the unix socket path. */
function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => { probe.destroy(); resolve(true); });
    probe.once("error", () => resolve(false));
  });
}

/**
 * Starts listening on a target or on an existing handle. A stale unix socket file (nothing listening) is
 * replaced; a live one is an error, like a busy TCP port.
 */
export async function listenOn(server: Server, target: ListenTarget, handle?: object): Promise<void> {
  try {
    if (handle !== undefined) return await once(server, handle);
    if (target.kind === "tcp") return await once(server, { host: target.host, port: target.port });
    if (target.kind === "fd") return await once(server, { fd: target.fd });
    try {
      return await once(server, { path: target.path });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || await socketAlive(target.path)) throw error;
      unlinkSync(target.path);
      return await once(server, { path: target.path });
    }
  } catch (error) {
    throw explain(target, error as NodeJS.ErrnoException);
  }
}

/** The port a server listens on, when TCP. */
export function boundPort(server: Server): number | undefined {
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : undefined;
}
