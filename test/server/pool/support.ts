// Helpers for the pool's real-process tests: start a master (fixtures/launcher.ts) in its own process,
// read its status over the control socket, and drive a bounded load loop against 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { queryControl } from "../../../src/server/pool/control.js";
import type { PoolOptions, PoolStatus } from "../../../src/server/pool/index.js";
import { freePort, tempDir } from "../../support/daemon.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
export const APP = join(FIXTURES, "app.ts");

export interface PoolProcess {
  child: ChildProcess;
  port: number;
  dir: string;
  control: string;
  output(): string;
  /** Resolves with the master's exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  status(): Promise<PoolStatus>;
  /** Stops the master (SIGTERM, then SIGKILL after 10 s) and removes the temp dir. */
  stop(): Promise<void>;
}

/** Starts a pool master on a free port; waits for READY unless `waitReady` is false. */
export async function startPool(options: Partial<PoolOptions> = {}, extra: { env?: Record<string, string>; waitReady?: boolean; prefix?: string[] } = {}): Promise<PoolProcess> {
  const port = await freePort();
  const dir = tempDir("tsgi-pool-");
  const control = typeof options.controlSocket === "string" ? options.controlSocket : join(dir.path, "control.sock");
  const poolOptions: PoolOptions = { spec: APP, workers: 2, bind: `127.0.0.1:${port}`, controlSocket: control, graceMs: 5000, ...options };
  const argv = [process.execPath, "--import", "tsx", "--conditions=tsgi-source", join(FIXTURES, "launcher.ts"), JSON.stringify(poolOptions)];
  const [command, ...rest] = [...(extra.prefix ?? []), ...argv] as [string, ...string[]];
  const child = spawn(command, rest, {
    cwd: ROOT,
    env: { ...process.env, ...extra.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const pool: PoolProcess = {
    child, port, dir: dir.path, control,
    output: () => output,
    exited,
    status: () => queryControl(control, "status"),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      dir.remove();
    },
  };
  if (extra.waitReady !== false) {
    await waitFor(() => output.includes("READY") || child.exitCode !== null, 30_000, "the pool to be ready");
    if (!output.includes("READY")) throw new Error(`the pool did not start:\n${output}`);
  }
  return pool;
}

/** Polls until `check` is true; throws naming `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True when a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ready workers' pids. */
export function readyPids(status: PoolStatus): number[] {
  return status.processes.filter((w) => w.state === "ready").map((w) => w.pid ?? 0);
}

export interface Reply {
  status: number;
  body: string;
}

/** One GET to 127.0.0.1:port. */
export function get(port: number, path: string, options: { agent?: Agent; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: options.agent ?? false, headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => { body += chunk; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end();
  });
}

export interface LoadResult {
  ok: number;
  failed: number;
  errors: string[];
  pids: Set<string>;
}

/**
 * A bounded load loop: `concurrency` clients send GET `path` until `stop()` returns true, `maxRequests`
 * were sent or `maxMs` passed. A request fails on a network error or a status other than 200.
 */
export async function loadLoop(port: number, options: { path?: string; concurrency?: number; maxRequests?: number; maxMs?: number; keepAlive?: boolean; stop?: () => boolean; timeoutMs?: number }): Promise<LoadResult> {
  const { path = "/pid", concurrency = 4, maxRequests = 20_000, maxMs = 20_000 } = options;
  const agent = options.keepAlive === true ? new Agent({ keepAlive: true, maxSockets: concurrency }) : undefined;
  const deadline = Date.now() + maxMs;
  const result: LoadResult = { ok: 0, failed: 0, errors: [], pids: new Set() };
  let sent = 0;
  const client = async (): Promise<void> => {
    while (sent < maxRequests && Date.now() < deadline && options.stop?.() !== true) {
      sent++;
      try {
        const reply = await get(port, path, { ...(agent === undefined ? {} : { agent }), timeoutMs: options.timeoutMs ?? 10_000 });
        if (reply.status === 200) {
          result.ok++;
          result.pids.add(reply.body);
        } else {
          result.failed++;
          if (result.errors.length < 10) result.errors.push(`${reply.status} ${reply.body.slice(0, 200)}`);
        }
      } catch (error) {
        result.failed++;
        if (result.errors.length < 10) result.errors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  agent?.destroy();
  return result;
}
