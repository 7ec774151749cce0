/**
 * The control socket: a unix socket in the runtime directory where the master answers `status`
 * as one JSON line. `tsgi status` finds it by the pool's bind, or alone in the directory.
 * @module
 */
import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readdirSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import type { ListenTarget } from "../bind.js";
import { ListenError } from "../errors.js";
import type { PoolStatus } from "./status.js";

/** Where control sockets live: `$TSGI_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/tsgi`, else `/tmp/tsgi-<uid>`. */
export function runtimeDir(env: Record<string, string | undefined> = process.env): string {
  if (env.TSGI_RUNTIME_DIR) return env.TSGI_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, "tsgi");
  return join(tmpdir(), `tsgi-${userInfo().uid}`);
}

/** The control socket's file name for a bind: `tcp-127.0.0.1-8000.sock`, `unix-app.sock-1a2b3c4d.sock`, `fd-0-<pid>.sock`. */
export function controlName(target: ListenTarget, pid: number = process.pid): string {
  if (target.kind === "tcp") return target.port === 0 ? `tcp-${target.host}-0-${pid}.sock`.replace(/[^\w.-]/g, "_") : `tcp-${target.host}-${target.port}.sock`.replace(/[^\w.-]/g, "_");
  if (target.kind === "unix") {
    const base = target.path.split("/").pop() ?? "socket";
    return `unix-${base.replace(/[^\w.-]/g, "_").slice(0, 40)}-${createHash("sha1").update(target.path).digest("hex").slice(0, 8)}.sock`;
  }
  return `fd-${target.fd}-${pid}.sock`;
}

/** Control sockets present in the directory. */
export function listControlSockets(dir: string = runtimeDir()): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith(".sock")).sort().map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** A request on the control socket. */
export type ControlCommand = "status";

/** Sends one command and resolves with the JSON answer. */
export function queryControl(path: string, command: ControlCommand, timeoutMs = 3000): Promise<PoolStatus> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let data = "";
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`${path} did not answer within ${timeoutMs} ms`)); }, timeoutMs);
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(JSON.stringify({ command }) + "\n"));
    socket.on("data", (chunk: string) => {
      data += chunk;
      const end = data.indexOf("\n");
      if (end === -1) return;
      clearTimeout(timer);
      socket.end();
      try {
        const answer = JSON.parse(data.slice(0, end)) as { status?: PoolStatus; error?: string };
        if (answer.status !== undefined) resolve(answer.status);
        else reject(new Error(answer.error ?? "the control socket gave no status"));
      } catch (error) {
        reject(new Error(`the control socket sent something that is not JSON: ${(error as Error).message}`));
      }
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = error.code === "ECONNREFUSED" ? `${path} is stale: no pool master listens there (it was killed?)` : error.code === "ENOENT" ? `no control socket ${path}` : `${path}: ${error.message}`;
      reject(new Error(hint));
    });
  });
}

/** Removes a socket file nobody listens on; refuses to remove anything that is not a socket. */
export function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new ListenError(`${path} exists and is not a socket; remove it or pick another path`, "EEXIST");
  unlinkSync(path);
}

/** True when a master answers on the path. */
function alive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => { probe.destroy(); resolve(true); });
    probe.once("error", () => resolve(false));
  });
}

/** A listening control socket. */
export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Listens on `path` (mode 0600, directory 0700) and answers each `{"command":"status"}` line with
 * `{"status": ...}`. A stale socket left by a killed master is replaced; a live one is an error.
 */
export async function startControl(path: string, status: () => PoolStatus): Promise<ControlServer> {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (await alive(path)) throw new Error(`another pool master answers on ${path}; stop it or pass another controlSocket`);
  removeStaleSocket(path);
  const server: Server = createServer((socket) => {
    let data = "";
    socket.setEncoding("utf8");
    socket.setTimeout(5000, () => socket.destroy());
    socket.on("error", () => undefined);
    socket.on("data", (chunk: string) => {
      data += chunk;
      if (data.length > 4096) { socket.destroy(); return; }
      const end = data.indexOf("\n");
      if (end === -1) return;
      let answer: object;
      try {
        const request = JSON.parse(data.slice(0, end)) as { command?: unknown };
        answer = request.command === "status" ? { status: status() } : { error: `unknown command ${JSON.stringify(request.command)}; the control socket answers "status"` };
      } catch {
        answer = { error: "send one JSON line: {\"command\":\"status\"}" };
      }
      socket.end(JSON.stringify(answer) + "\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => { server.off("error", reject); resolve(); });
  });
  chmodSync(path, 0o600);
  server.unref();
  return {
    path,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }),
  };
}
