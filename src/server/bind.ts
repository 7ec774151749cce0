/** Parsing `--bind` values. @module */
import { BindError } from "./errors.js";

/** Where a server listens. */
export type ListenTarget =
  | { kind: "tcp"; host: string; port: number }
  | { kind: "unix"; path: string }
  | { kind: "fd"; fd: number };

/**
 * Parses a bind string: `HOST:PORT`, `[::1]:PORT`, `:PORT` (loopback), `PORT`, `unix:PATH` or `fd:N`.
 * Throws a {@link BindError} that shows the accepted forms.
 *
 * @example
 * ```ts
 * parseBind("127.0.0.1:8000") // { kind: "tcp", host: "127.0.0.1", port: 8000 }
 * parseBind("unix:/run/app.sock") // { kind: "unix", path: "/run/app.sock" }
 * ```
 */
export function parseBind(value: string, defaultHost = "127.0.0.1"): ListenTarget {
  const fail = (): never => {
    throw new BindError(`cannot parse bind ${JSON.stringify(value)}: use HOST:PORT, [IPV6]:PORT, :PORT, unix:/path/to.sock or fd:N`);
  };
  if (value.startsWith("unix:")) {
    const path = value.slice(5);
    return path === "" ? fail() : { kind: "unix", path };
  }
  if (value.startsWith("fd:")) {
    const fd = value.slice(3);
    return /^[0-9]+$/.test(fd) ? { kind: "fd", fd: Number(fd) } : fail();
  }
  let host = defaultHost;
  let port = value;
  const colon = value.lastIndexOf(":");
  if (colon !== -1) {
    host = value.slice(0, colon);
    port = value.slice(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
    if (host === "") host = defaultHost;
  }
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) return fail();
  return { kind: "tcp", host, port: Number(port) };
}

/** A bind as text for logs and `RunningServer.url`, with a scheme for TCP: `http://127.0.0.1:8000`. */
export function describeBind(target: ListenTarget, scheme = "http"): string {
  if (target.kind === "unix") return `unix:${target.path}`;
  if (target.kind === "fd") return `fd:${target.fd}`;
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  return `${scheme}://${host}:${target.port}`;
}
