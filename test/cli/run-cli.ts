// Runs the tsgi command from source (node + tsx, the tsgi-source condition), as a real child process.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const ROOT = resolve(import.meta.dirname, "../..");
const CLI = resolve(ROOT, "src/cli.ts");
// tsx by absolute URL, so the command also starts from other working directories.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** A running `tsgi` process with its output so far. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Resolves once stderr matches (or rejects after the timeout, with the output). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Starts `tsgi ARGS` from source in the repository root. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT, stdin: "ignore" | number = "ignore"): CliProcess {
  const child = spawn(process.execPath, ["--conditions=tsgi-source", "--import", TSX, CLI, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: [stdin, "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => { out += chunk.toString(); });
  child.stderr?.on("data", (chunk: Buffer) => { err += chunk.toString(); });
  const exited = new Promise<number | string>((resolvePromise) => child.once("exit", (code, signal) => resolvePromise(code ?? signal ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(err)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in stderr (exit ${child.exitCode}): ${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Runs `tsgi ARGS` to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const cli = startCli(args, env);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
