/**
 * `tsgi status`: prints a running pool's status, read from its control socket.
 * @module
 */
import { join } from "node:path";
import { parseBind } from "../bind.js";
import { controlName, listControlSockets, queryControl, runtimeDir } from "./control.js";
import { statusText } from "./status.js";

const USAGE = `Usage: tsgi status [--bind HOST:PORT | unix:PATH] [--control-socket PATH] [--json]

Prints the status of a running pool (tsgi serve --workers N): workers, pids, state, requests served,
in flight, restarts, uptime. The pool is found by its --bind, by --control-socket, or as the only one in
${runtimeDir()} (set TSGI_RUNTIME_DIR to look elsewhere).

Options:
      --bind ADDR                    the pool's --bind: finds its control socket in the runtime directory
      --control-socket PATH          the pool's control socket (what serve --control-socket set); --control is the same
      --json                         print the status as JSON
  -h, --help                         show this help
`;

/** Where output goes; tests pass their own. */
export interface StatusOutput {
  write(text: string): unknown;
}

/**
 * Runs `tsgi status ARGS`. Returns the exit code: 0 printed, 1 no pool answered, 2 usage error.
 *
 * @example
 * ```ts
 * process.exitCode = await statusCommand(["--bind", "127.0.0.1:8000", "--json"]);
 * ```
 */
export async function statusCommand(argv: string[], out: StatusOutput = process.stdout, err: StatusOutput = process.stderr): Promise<number> {
  let json = false;
  let control: string | undefined;
  let bind: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === "--help" || flag === "-h") { out.write(USAGE); return 0; }
    if (flag === "--json") { json = true; continue; }
    if (flag === "--control-socket" || flag === "--control") { control = value(); if (control === undefined) { err.write(`tsgi status: ${flag} needs a socket path\n`); return 2; } continue; }
    if (flag === "--bind") { bind = value(); if (bind === undefined) { err.write("tsgi status: --bind needs a value, e.g. 127.0.0.1:8000\n"); return 2; } continue; }
    err.write(`tsgi status: unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
    return 2;
  }
  if (control === undefined && bind !== undefined) {
    try {
      control = join(runtimeDir(), controlName(parseBind(bind)));
    } catch (error) {
      err.write(`tsgi status: ${(error as Error).message}\n`);
      return 2;
    }
  }
  if (control === undefined) {
    const found = listControlSockets();
    if (found.length === 0) {
      err.write(`tsgi status: no pool found in ${runtimeDir()}: start one with tsgi serve APP --workers N, or pass --control-socket PATH\n`);
      return 1;
    }
    if (found.length > 1) {
      err.write(`tsgi status: several pools in ${runtimeDir()}; pick one with --control-socket:\n${found.map((path) => `  ${path}`).join("\n")}\n`);
      return 2;
    }
    control = found[0] as string;
  }
  try {
    const status = await queryControl(control, "status");
    out.write(json ? JSON.stringify(status, null, 2) + "\n" : statusText(status));
    return 0;
  } catch (error) {
    err.write(`tsgi status: ${(error as Error).message}\n`);
    return 1;
  }
}
