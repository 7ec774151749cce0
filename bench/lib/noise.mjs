// The noise guard's measurements: how much CPU processes other than this bench (its servers, nginx,
// wrk and itself) used over a window, from /proc/stat minus this process tree, and the load average.
// Linux only; elsewhere every reading is undefined and the report says so.
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { clockTicks, processTree } from "./proc.mjs";

const HAVE_PROC = existsSync("/proc/stat");

function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Busy clock ticks of the whole machine so far (user, nice, system, irq, softirq, steal; not idle or iowait). */
export function machineBusyTicks(text = HAVE_PROC ? readFileSync("/proc/stat", "utf8") : undefined) {
  if (text === undefined) return undefined;
  const line = text.split("\n").find((candidate) => candidate.startsWith("cpu "));
  if (line === undefined) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + (steal ?? 0);
}

/**
 * Clock ticks this bench has used so far: every process in its tree (servers, nginx, a running wrk),
 * each with the children it has already reaped (cutime/cstime: a finished wrk, a router process, the
 * CGI processes lighttpd ran).
 */
export function benchTicks() {
  if (!HAVE_PROC) return undefined;
  let ticks = 0;
  for (const pid of processTree(process.pid)) {
    try {
      const fields = statFields(pid);
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch { /* gone */ }
  }
  return ticks;
}

/** A reading to diff against a later one with othersCores(). */
export function snapshot() {
  return { atMs: performance.now(), machine: machineBusyTicks(), bench: benchTicks() };
}

/** Cores used by other processes between two snapshots (busy ticks of the machine minus the bench's), or undefined. */
export function othersCores(before, after) {
  if (before.machine === undefined || after.machine === undefined || before.bench === undefined || after.bench === undefined) return undefined;
  const seconds = (after.atMs - before.atMs) / 1000;
  if (seconds <= 0) return undefined;
  const others = (after.machine - before.machine - (after.bench - before.bench)) / clockTicks();
  return Math.max(0, others / seconds);
}

/** The 1-minute load average, or undefined where the platform has none. */
export function load1() {
  const [one] = loadavg();
  return HAVE_PROC ? Math.round(one * 100) / 100 : undefined;
}

/** Watches the machine for `ms` while the bench is idle: { load1, othersCores }. */
export async function idleReading(ms = 1000) {
  const before = snapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { load1: load1(), othersCores: othersCores(before, snapshot()) };
}
