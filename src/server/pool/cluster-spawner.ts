/**
 * The real {@link Spawner}: node:cluster workers in round-robin mode (the master accepts and hands
 * each connection to the next worker; measured to spread load evenly here, see docs/servers/pool.md).
 * @module
 */
import cluster, { type Worker } from "node:cluster";
import { fileURLToPath } from "node:url";
import type { PoolEvent, SpawnSpec, Spawner, WorkerHandle } from "./master.js";
import { WORKER_CONFIG_ENV, type WorkerConfig } from "./options.js";
import { isWorkerMessage } from "./protocol.js";

/** The worker entry beside this module: `worker.js` when built, `worker.ts` when run from source. */
export function workerEntry(): { path: string; fromSource: boolean } {
  const fromSource = import.meta.url.endsWith(".ts");
  return { path: fileURLToPath(new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url)), fromSource };
}

/** Node flags for workers: the master's own, plus tsx and the source condition when running from source. */
export function workerExecArgv(execArgv: readonly string[], fromSource: boolean): string[] {
  const args: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    // A master started with `node -e CODE` must not make every worker run CODE instead of the worker entry.
    if (arg === "-e" || arg === "--eval" || arg === "-p" || arg === "--print") { i++; continue; }
    if (arg.startsWith("--eval=") || arg.startsWith("--print=") || arg.startsWith("--input-type") || arg.startsWith("--inspect")) continue;
    args.push(arg);
  }
  if (!fromSource) return args;
  if (!args.some((arg) => arg.includes("tsx"))) args.push("--import", import.meta.resolve("tsx/esm"));
  if (!args.some((arg) => arg.includes("tsgi-source"))) args.push("--conditions=tsgi-source");
  return args;
}

/**
 * Forks workers with node:cluster; their messages and exits become {@link PoolEvent}s for `post`.
 *
 * @example
 * ```ts
 * const spawner = clusterSpawner((spec) => ({ ...base, ...spec }), (event) => queue.post(event));
 * ```
 */
export function clusterSpawner(configFor: (spec: SpawnSpec) => WorkerConfig, post: (event: PoolEvent) => void): Spawner {
  const entry = workerEntry();
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({ exec: entry.path, args: [], execArgv: workerExecArgv(process.execArgv, entry.fromSource), serialization: "json" });
  return {
    spawn(spec: SpawnSpec): WorkerHandle {
      const worker: Worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify(configFor(spec)) });
      worker.on("message", (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        // Answered here, in channel order, not through the master's queue: see the `closing` message.
        if (message.tsgi === "closing") worker.send({ tsgi: "closing-ack" }, undefined, () => undefined);
        else post({ type: "message", id: spec.id, message });
      });
      worker.on("exit", (code: number | null, signal: string | null) => post({ type: "exit", id: spec.id, code, signal }));
      worker.on("error", () => undefined);
      return {
        get pid() { return worker.process.pid; },
        send(message) { if (worker.isConnected()) worker.send(message, undefined, () => undefined); },
        kill(signal) { if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill(signal); },
      };
    },
  };
}
