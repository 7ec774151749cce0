/** Listening on TCP, a unix socket, or a socket inherited on a file descriptor; shared by the FastCGI and SCGI servers. @module */
import { chmodSync, fstatSync, unlinkSync } from "node:fs";
import { connect, type Server } from "node:net";
import { parseBind, type ListenTarget } from "../bind.js";

/** Resolves `bind` (string or target) with a loopback default. */
export function listenTarget(bind: ListenTarget | string | undefined, defaultPort: number): ListenTarget {
  if (bind === undefined) return { kind: "tcp", host: "127.0.0.1", port: defaultPort };
  return typeof bind === "string" ? parseBind(bind) : bind;
}

/** The message for `fd:N` when nothing listens there: says how to run the server instead. */
export function notASocketMessage(fd: number, protocol: string, detail: string): string {
  const flag = protocol === "FastCGI" ? "fastcgi" : "scgi";
  return `fd ${fd} is not a listening socket (${detail}). With --bind fd:${fd} the ${protocol} server expects a web server to start it `
    + `with a listening socket on fd ${fd} (lighttpd "bin-path", Apache mod_fcgid, spawn-fcgi). `
    + `To run it by hand, give it an address: tsgi serve app.ts --server ${flag} --bind 127.0.0.1:9000 (or --bind unix:/run/app.sock)`;
}

async function staleUnixSocket(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(false);
    });
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

/**
 * Starts `server` listening on `target`. A unix socket file left by a dead process is replaced;
 * one still in use is an error; `socketMode` sets the new socket file's permissions. For `fd`, the descriptor must be a socket (checked first, so the
 * error explains how to run the server rather than failing obscurely).
 */
export async function listenOn(server: Server, target: ListenTarget, protocol: string, socketMode?: number): Promise<void> {
  if (target.kind === "fd") {
    let isSocket = false;
    try {
      isSocket = fstatSync(target.fd).isSocket();
    } catch (error) {
      throw new Error(notASocketMessage(target.fd, protocol, (error as Error).message));
    }
    if (!isSocket) throw new Error(notASocketMessage(target.fd, protocol, "it is a file, pipe or terminal"));
  }
  if (target.kind === "unix" && (await staleUnixSocket(target.path))) {
    try {
      unlinkSync(target.path);
    } catch {
      // already gone
    }
  }
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      if (target.kind === "fd") reject(new Error(notASocketMessage(target.fd, protocol, error.message)));
      else reject(error);
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    if (target.kind === "fd") server.listen({ fd: target.fd });
    else if (target.kind === "unix") server.listen(target.path);
    else server.listen(target.port, target.host);
  });
  if (target.kind === "unix" && socketMode !== undefined) chmodSync(target.path, socketMode);
}

/** The TCP port the server got (for port 0), or undefined. */
export function boundPort(server: Server): number | undefined {
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : undefined;
}
