// CPU placement: on a machine with two or more cores the server runs pinned to core 0 and the load
// generator to core 1 (taskset), so they do not steal each other's time slices. Multi-process servers
// (the pool, node:cluster) get every core, as they would in production, and share with wrk.
import { availableParallelism, cpus } from "node:os";
import { findBinary } from "./proc.mjs";

const TASKSET = findBinary("taskset");
const CORES = availableParallelism();

/** Whether server and load generator get separate cores. */
export const pinning = TASKSET !== undefined && CORES >= 2;

/** Command and args, wrapped in `taskset -c LIST` when pinning is possible; `cores` is "server", "load" or "all". */
export function placed(cores, command, args) {
  if (!pinning || cores === "all") return [command, args];
  const list = cores === "server" ? "0" : `1-${CORES - 1}`;
  return [TASKSET, ["-c", list, command, ...args]];
}

/** What the machine is, for the report. */
export function machine() {
  const info = cpus();
  return { cpu: info[0]?.model.trim() ?? "unknown", cores: CORES, pinning: pinning ? "server on core 0, load generator on the other cores (taskset)" : "none (taskset missing or one core)" };
}
