// wrk, the load generator: run it on the load cores and parse what it prints.
import { execFile } from "node:child_process";
import { placed } from "./cpu.mjs";
import { findBinary } from "./proc.mjs";

const WRK = findBinary("wrk");

/** Whether wrk is installed. */
export const haveWrk = WRK !== undefined;

const UNITS = { us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function ms(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  return match ? Number(match[1]) * UNITS[match[2]] : undefined;
}

/**
 * Parses wrk's report (run with --latency): requests/s, total requests, latency percentiles, mean and
 * maximum in ms, socket errors (all kinds, and timeouts alone) and non-2xx/3xx answers. Throws when the text is not a wrk report.
 */
export function parseWrk(text) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in ([\d.]+\w+)/.exec(text);
  if (!rps || !total) throw new Error(`not a wrk report:\n${text.trim()}`);
  const latency = {};
  for (const [, pct, value] of text.matchAll(/^\s+(50|75|90|99)%\s+([\d.]+\w+)\s*$/gm)) latency[`p${pct}`] = ms(value);
  const thread = /Latency\s+([\d.]+\w+)\s+([\d.]+\w+)\s+([\d.]+\w+)/.exec(text);
  if (thread) {
    latency.mean = ms(thread[1]);
    latency.max = ms(thread[3]);
  }
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const timeouts = socket ? Number(socket[4]) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return { rps: Number(rps[1]), requests: Number(total[1]), latency, errors, timeouts, non2xx };
}

/**
 * Runs wrk against a URL for `seconds` with `connections` keep-alive connections, on the load cores.
 * Resolves with the parsed report.
 */
export function runWrk(url, { seconds, connections = 50, threads = 1, timeoutSec = 5 }) {
  if (WRK === undefined) return Promise.reject(new Error("wrk is not installed (apt-get install wrk)"));
  const [command, args] = placed("load", WRK, [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutSec}s`, "--latency", url]);
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: "utf8", timeout: (seconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
      try { resolve(parseWrk(stdout)); } catch (parseError) { reject(parseError); }
    });
  });
}
