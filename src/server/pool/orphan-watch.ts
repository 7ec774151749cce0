/**
 * Exits a worker whose master is gone even when its event loop is blocked: a tiny thread checks the
 * parent pid every `intervalMs` and, once the worker has been re-parented, kills the process.
 * (node:cluster's own check runs on the main thread, which a busy loop never yields.)
 * @module
 */
import { Worker } from "node:worker_threads";

const WATCH = `
const { workerData } = require("node:worker_threads");
setInterval(() => {
  if (process.ppid !== workerData.ppid) process.kill(workerData.pid, "SIGKILL");
}, workerData.intervalMs);
`;

/**
 * Starts the watcher thread (unref'd: it never keeps the worker alive).
 *
 * @example
 * ```ts
 * watchParent(process.ppid);
 * ```
 */
export function watchParent(ppid: number, intervalMs = 1000): Worker {
  const thread = new Worker(WATCH, { eval: true, workerData: { ppid, pid: process.pid, intervalMs }, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 } });
  thread.unref();
  thread.on("error", () => undefined);
  return thread;
}
