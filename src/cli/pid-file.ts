/** `tsgi serve --pid FILE`: the pid file operators send signals by (`kill -HUP $(cat FILE)`). @module */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { TsgiError } from "../server/errors.js";

/** A pid file that names a running process, or one that cannot be written. Exit code 1. */
export class PidFileError extends TsgiError {
  override readonly name = "PidFileError";
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid a pid file holds, or undefined when there is no file or no number in it. */
export function readPidFile(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Refuses (a {@link PidFileError} naming the fix) when the file names a live process other than this one; a stale
 * file (its process is gone) is left to be overwritten.
 *
 * @example
 * ```ts
 * checkPidFile("/run/app/tsgi.pid"); // before listening
 * ```
 */
export function checkPidFile(path: string): void {
  const pid = readPidFile(path);
  if (pid !== undefined && pid !== process.pid && running(pid)) {
    throw new PidFileError(`--pid ${path}: process ${pid} is running and holds it; stop it first (kill -TERM ${pid}) or pick another --pid file`);
  }
}

/**
 * Writes this process's pid (whole, via a rename) and returns a function that removes the file again,
 * if it still holds this pid; the removal also runs on exit.
 *
 * @example
 * ```ts
 * const release = writePidFile("/run/app/tsgi.pid"); // after listening
 * await handle.stopped; release();
 * ```
 */
export function writePidFile(path: string): () => void {
  checkPidFile(path);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${process.pid}\n`);
    renameSync(temp, path);
  } catch (error) {
    throw new PidFileError(`--pid ${path}: cannot write it (${(error as Error).message}); pick a writable path, e.g. /run/USER/tsgi.pid`, { cause: error });
  }
  const release = (): void => {
    process.off("exit", release);
    if (readPidFile(path) !== process.pid) return;
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  return release;
}
