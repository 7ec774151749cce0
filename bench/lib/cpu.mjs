// CPU placement: on a machine with two or more cores the server runs pinned to core 0 and the load
// generator (and the bench itself) to the others (taskset), so they do not steal each other's time
// slices. Multi-process servers (the pool, node:cluster) get every core, as they would in production,
// and share with wrk.
import { execFileSync } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import { findBinary } from "./proc.mjs";

const TASKSET = findBinary("taskset");
const CORES = availableParallelism();

/** Whether server and load generator get separate cores. */
export const pinning = TASKSET !== undefined && CORES >= 2;

/** Command and args, wrapped in `taskset -c LIST` when pinning is possible; `cores` is "server", "load" or "all". */
export function placed(cores, command, args) {
  if (!pinning) return [command, args];
  const list = cores === "server" ? "0" : cores === "all" ? `0-${CORES - 1}` : `1-${CORES - 1}`;
  return [TASKSET, ["-c", list, command, ...args]];
}

/**
 * Moves this process (all its threads) to the load cores, so the bench's own work (spawning, sampling
 * memory) stays off the server core. Children not started through placed() inherit it.
 */
export function pinSelf() {
  if (!pinning) return;
  try {
    execFileSync(TASKSET, ["-a", "-p", "-c", `1-${CORES - 1}`, String(process.pid)], { stdio: "ignore" });
  } catch {
    // not allowed here (a container's cpuset): the bench still runs, only less isolated
  }
}

/** What the machine is, for the report. */
export function machine() {
  const info = cpus();
  return { cpu: info[0]?.model.trim() ?? "unknown", cores: CORES, pinning: pinning ? "server on core 0, load generator and the bench itself on the other cores (taskset)" : "none (taskset missing or one core)" };
}
