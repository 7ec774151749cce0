/**
 * Exits a worker whose master is gone even when its event loop is blocked: a tiny thread checks the
 * parent pid every `intervalMs` and, once the worker has been re-parented, kills the process.
 * (node:cluster's own check runs on the main thread, which a busy loop never yields.)
 * On Deno the check runs on the main thread instead (so it cannot fire while the loop is blocked):
 * Deno sets every thread of a cluster worker up as a cluster worker too, and that set-up throws
 * before the thread's code runs (`process.connected is not supported in workers`). The same
 * fallback covers a runtime where a thread cannot start.
 * @module
 */
import { Worker } from "node:worker_threads";

const WATCH = `
const { workerData } = require("node:worker_threads");
const timer = setInterval(() => {
  try {
    if (process.ppid !== workerData.ppid) process.kill(workerData.pid, "SIGKILL");
  } catch {
    clearInterval(timer);
  }
}, workerData.intervalMs);
`;

/** The fallback: the same check on the main thread, unref'd. */
function watchOnMainThread(ppid: number, intervalMs: number): void {
  setInterval(() => {
    if (process.ppid !== ppid) process.kill(process.pid, "SIGKILL");
  }, intervalMs).unref();
}

/**
 * Starts the watcher thread (unref'd: it never keeps the worker alive). Returns undefined when the
 * runtime could not start a thread and the check runs on the main thread instead.
 *
 * @example
 * ```ts
 * watchParent(process.ppid);
 * ```
 */
export function watchParent(ppid: number, intervalMs = 1000): Worker | undefined {
  if ("Deno" in globalThis) {
    watchOnMainThread(ppid, intervalMs);
    return undefined;
  }
  let thread: Worker;
  try {
    thread = new Worker(WATCH, { eval: true, workerData: { ppid, pid: process.pid, intervalMs }, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 } });
  } catch {
    watchOnMainThread(ppid, intervalMs);
    return undefined;
  }
  thread.unref();
  thread.on("error", () => watchOnMainThread(ppid, intervalMs));
  return thread;
}
