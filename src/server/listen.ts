/**
 * Listening on TCP, a unix socket, an inherited descriptor or an existing handle, with errors people can
 * act on. Shared by the HTTP, FastCGI and SCGI servers.
 * @module
 */
import { chmodSync, fstatSync, unlinkSync } from "node:fs";
import { connect, type Server } from "node:net";
import { describeBind, parseBind, type ListenTarget } from "./bind.js";
import { ListenError } from "./errors.js";

export { ListenError };


/** What a server tells {@link listenOn} about itself. */
export interface ListenOptions {
  /** `HTTP`, `FastCGI`, `SCGI`: named in messages. */
  protocol: string;
  /** Permissions for a new unix socket file, e.g. `0o660`. */
  socketMode?: number | undefined;
  /** An existing handle (`net.Server`, `{ fd }`) to listen on instead of the target (the pool passes one). */
  handle?: object | undefined;
}

/** Resolves `bind` (string or target) with a loopback default. */
export function listenTarget(bind: ListenTarget | string | undefined, defaultPort: number): ListenTarget {
  if (bind === undefined) return { kind: "tcp", host: "127.0.0.1", port: defaultPort };
  return typeof bind === "string" ? parseBind(bind) : bind;
}

/** The message for `fd:N` when nothing listens there: says how to run the server instead. */
export function notASocketMessage(fd: number, protocol: string, detail: string): string {
  const flag = protocol.toLowerCase();
  return `fd ${fd} is not a listening socket (${detail}). With --bind fd:${fd} the ${protocol} server expects a web server to start it `
    + `with a listening socket on fd ${fd} (lighttpd "bin-path", Apache mod_fcgid, spawn-fcgi). `
    + `To run it by hand, give it an address: tsgi serve app.ts --server ${flag} --bind 127.0.0.1:9000 (or --bind unix:/run/app.sock)`;
}

function explain(target: ListenTarget, protocol: string, error: NodeJS.ErrnoException): ListenError {
  const where = target.kind === "tcp" ? `${target.host}:${target.port}` : describeBind(target);
  if (target.kind === "fd") return new ListenError(notASocketMessage(target.fd, protocol, error.message), error.code, { cause: error });
  const hints: Record<string, string> = {
    EADDRINUSE: `${where} is already in use: stop the other server or pick another --bind`,
    EACCES: `no permission to listen on ${where}: use a port above 1023 or run with the needed privilege`,
    EADDRNOTAVAIL: `${where} is not an address of this machine: bind 127.0.0.1, 0.0.0.0 or one of its addresses`,
    ENOTFOUND: `cannot resolve the host in ${where}`,
  };
  const text = error.code !== undefined ? hints[error.code] : undefined;
  return new ListenError(text ?? `cannot listen on ${where}: ${error.message}`, error.code, { cause: error });
}

function listenOnce(server: Server, listenArg: unknown): Promise<void> {
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
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

function checkDescriptor(fd: number, protocol: string): void {
  let isSocket: boolean;
  try {
    isSocket = fstatSync(fd).isSocket();
  } catch (error) {
    throw new ListenError(notASocketMessage(fd, protocol, (error as Error).message), (error as NodeJS.ErrnoException).code);
  }
  if (!isSocket) throw new ListenError(notASocketMessage(fd, protocol, "it is a file, pipe or terminal"), "ENOTSOCK");
}

/**
 * Starts `server` listening on `target` (or on `options.handle`). A unix socket file left by a dead
 * process is replaced; a live one is an error, like a busy TCP port. For `fd:N` the descriptor is checked
 * first, so the error says how to run the server rather than failing obscurely. Rejects with a
 * {@link ListenError} whose message names the fix.
 *
 * @example
 * ```ts
 * await listenOn(server, parseBind("127.0.0.1:9000"), { protocol: "FastCGI" });
 * ```
 */
export async function listenOn(server: Server, target: ListenTarget, options: ListenOptions): Promise<void> {
  if (options.handle !== undefined) {
    try {
      return await listenOnce(server, options.handle);
    } catch (error) {
      throw explain(target, options.protocol, error as NodeJS.ErrnoException);
    }
  }
  if (target.kind === "fd") checkDescriptor(target.fd, options.protocol);
  try {
    if (target.kind === "tcp") await listenOnce(server, { host: target.host, port: target.port });
    else if (target.kind === "fd") await listenOnce(server, { fd: target.fd });
    else {
      try {
        await listenOnce(server, { path: target.path });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || await socketAlive(target.path)) throw error;
        unlinkSync(target.path);
        await listenOnce(server, { path: target.path });
      }
      if (options.socketMode !== undefined) chmodSync(target.path, options.socketMode);
    }
  } catch (error) {
    throw error instanceof ListenError ? error : explain(target, options.protocol, error as NodeJS.ErrnoException);
  }
}

/** The TCP port the server got (for port 0), or undefined. */
export function boundPort(server: Server): number | undefined {
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : undefined;
}
