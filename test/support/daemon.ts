// Starting real front servers (nginx, lighttpd, apache2, redis-server, chromium) for interop tests:
// configs go into a temp dir, every daemon listens on 127.0.0.1, and stop() kills what start() made.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SEARCH_PATH = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"];

/** Absolute path of a binary, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of SEARCH_PATH) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Whether an interop suite may run: true when every binary is present. A missing binary skips
 * the suite on a developer machine, but in CI (CI set) it throws, so CI can never go green by skipping.
 */
export function haveBinaries(...names: string[]): boolean {
  const missing = names.filter((name) => findBinary(name) === undefined);
  if (missing.length === 0) return true;
  if (process.env.CI) throw new Error(`CI is set but ${missing.join(", ")} is not installed: add it to .ci/run`);
  return false;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port (or a unix socket path). */
export async function waitForPort(port: number | string, timeoutMs = 10_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = typeof port === "number" ? connect(port, "127.0.0.1") : connect(port);
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (child !== undefined && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before listening on ${port}`);
    if (Date.now() > deadline) throw new Error(`nothing listened on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A temp directory removed by the returned cleanup. */
export function tempDir(prefix = "tsgi-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A running daemon: its output so far, and stop(). */
export interface Daemon {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a binary in the foreground (no daemonizing: pass its own "stay in foreground" flag) and
 * waits until `port` accepts connections. stop() sends SIGTERM, then SIGKILL after 5 s.
 */
export async function startDaemon(binary: string, args: string[], options: { port?: number | string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Daemon> {
  const path = findBinary(binary) ?? binary;
  // detached: its own process group, so a daemon that signals its group on shutdown (Apache prefork) spares the test runner.
  const child = spawn(path, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  if (options.port !== undefined) {
    try {
      await waitForPort(options.port, options.timeoutMs ?? 15_000, child);
    } catch (error) {
      await stop();
      throw new Error(`${binary} did not start: ${(error as Error).message}\n${output}`);
    }
  }
  return { child, output: () => output, stop };
}
