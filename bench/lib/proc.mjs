// Child processes for the bench: start, wait until ready, sample memory, stop. Nothing here knows
// about any particular server.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SEARCH_PATH = (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]);

/** Absolute path of a binary on PATH or in the sbin dirs, or undefined. */
export function findBinary(name) {
  for (const dir of SEARCH_PATH) {
    if (dir === "") continue;
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once 127.0.0.1:port accepts connections; rejects after timeoutMs or when `child` exits. */
export async function waitForPort(port, timeoutMs = 15_000, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before listening on port ${port}`);
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

const running = new Set();
const scratch = new Set();

/** A temp directory (configs, pid files) removed by its owner's stop() or, on an interrupted run, by killAll(). */
export function scratchDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), prefix));
  scratch.add(path);
  return { path, remove() { scratch.delete(path); rmSync(path, { recursive: true, force: true }); } };
}

/** For an interrupted run: SIGTERMs every process startProcess started that still runs, removes scratch dirs. */
export function killAll() {
  for (const child of running) child.kill("SIGTERM");
  for (const path of scratch) rmSync(path, { recursive: true, force: true });
}

/**
 * Starts a long-running process and waits for `port` to accept connections. Returns
 * { pid, output(), stop() }; stop() sends SIGTERM, then SIGKILL after 3 s, and waits for the exit.
 */
export async function startProcess(command, args, { port, env = process.env, cwd, timeoutMs, name = command } = {}) {
  const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"], detached: false });
  let output = "";
  const keep = (chunk) => { output = (output + chunk.toString()).slice(-8000); };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  running.add(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.once("exit", () => running.delete(child));
  child.once("error", (error) => { output += String(error); });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };
  if (port !== undefined) {
    try {
      await waitForPort(port, timeoutMs, child);
    } catch (error) {
      await stop();
      throw new Error(`${name}: ${error.message}\n${output.trim()}`);
    }
  }
  return { pid: child.pid, child, output: () => output, stop };
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** The pid and every descendant of it (Linux /proc; just the pid elsewhere). */
export function processTree(pid) {
  if (!existsSync("/proc/self/stat")) return [pid];
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const parent = parentOf(name);
    if (parent === undefined) continue;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(Number(name));
  }
  const tree = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift();
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** Resident set size in KiB of the given pids together (from /proc/PID/status VmRSS), or undefined. */
export function rssKb(pids) {
  let total = 0;
  let seen = false;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) { total += Number(match[1]); seen = true; }
    } catch { /* gone */ }
  }
  return seen ? total : undefined;
}

/**
 * Samples the RSS of a process tree every `everyMs` until stopped; returns { stop() → max KiB }.
 * The tree is re-read on each sample, so workers forked later are counted; with `fixed` the pids are
 * taken as they are (cheaper: no walk of /proc).
 */
export function sampleRss(rootPids, everyMs = 250, { fixed = false } = {}) {
  let max;
  const sample = () => {
    const pids = fixed ? rootPids : rootPids.flatMap((pid) => processTree(pid));
    const kb = rssKb(pids);
    if (kb !== undefined && (max === undefined || kb > max)) max = kb;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return { stop() { clearInterval(timer); sample(); return max; } };
}

let ticksPerSecond;

/** Clock ticks per second of the times in /proc (USER_HZ, usually 100). */
export function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU time (user + system, seconds) used so far by the process trees under `rootPids`, from
 * /proc/PID/stat; undefined where /proc is missing. The difference across a load run, divided by the
 * requests served, is CPU per request: a measure of work that stays steady when other processes
 * compete for the cores, unlike requests per second.
 */
export function treeCpuSeconds(rootPids) {
  if (!existsSync("/proc/self/stat")) return undefined;
  return pidsCpuSeconds(rootPids.flatMap((root) => processTree(root)));
}

/**
 * CPU time (user + system, seconds) of exactly these pids, from /proc/PID/stat: cheap enough to read
 * right before and right after a load run (the tree was listed beforehand with processTree).
 */
export function pidsCpuSeconds(pids) {
  if (!existsSync("/proc/self/stat")) return undefined;
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch { /* gone */ }
  }
  return ticks / clockTicks();
}

/** Idle RSS of a process tree right now, in KiB. */
export function treeRssKb(rootPids) {
  return rssKb(rootPids.flatMap((pid) => processTree(pid)));
}
