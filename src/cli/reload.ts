/**
 * `--reload`: a supervisor that runs `tsgi serve` in a child process and restarts it when a source
 * file changes. Watchers and signals only queue events; one loop acts on them.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, watch, type FSWatcher } from "node:fs";
import { join, relative, resolve } from "node:path";

type ReloadEvent = { type: "change"; file: string } | { type: "signal"; signal: NodeJS.Signals } | { type: "exit"; child: ChildProcess; code: number | null };

class EventQueue<E> {
  readonly #items: E[] = [];
  #waiter: ((event: E) => void) | undefined;

  push(event: E): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter(event);
    } else {
      this.#items.push(event);
    }
  }

  next(): Promise<E> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => { this.#waiter = resolve; });
  }
}

const SKIP_DIRS = new Set(["node_modules", ".git", "coverage", ".cache"]);
const SOURCE = /\.(?:[cm]?[jt]s|tsx|json)$/;

/** Directories to watch: the working directory (flat) and its source folders (recursively), never node_modules. */
function watchRoots(cwd: string, spec: string): Array<{ path: string; recursive: boolean }> {
  const specPath = resolve(cwd, spec.replace(/:[A-Za-z_$][\w$]*(\(\))?$/, ""));
  const roots = [{ path: cwd, recursive: false }];
  for (const entry of readdirSync(cwd, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIP_DIRS.has(entry.name) || entry.name.startsWith(".")) continue;
    const path = join(cwd, entry.name);
    if (entry.name === "dist" && !specPath.startsWith(path)) continue;
    roots.push({ path, recursive: true });
  }
  return roots;
}

/**
 * Runs `tsgi serve ARGS` in a child and restarts it on changes and on SIGHUP, until SIGTERM/SIGINT.
 * Resolves with the exit code.
 */
export async function runReloader(args: string[], spec: string, cwd = process.cwd()): Promise<number> {
  const queue = new EventQueue<ReloadEvent>();
  const watchers: FSWatcher[] = [];
  for (const root of watchRoots(cwd, spec)) {
    try {
      watchers.push(watch(root.path, { recursive: root.recursive }, (_event, name) => {
        if (name === null) return;
        const file = join(root.path, name.toString());
        if (SOURCE.test(file) && !file.split("/").some((part) => SKIP_DIRS.has(part))) queue.push({ type: "change", file });
      }));
    } catch {
      // a directory that vanished or cannot be watched: the others still work
    }
  }
  const onSignal = (signal: NodeJS.Signals): void => queue.push({ type: "signal", signal });
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("SIGHUP", onSignal);

  const start = (): ChildProcess => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, "serve", ...args], {
      stdio: "inherit",
      env: { ...process.env, TSGI_RELOAD_CHILD: "1" },
    });
    child.once("exit", (code) => queue.push({ type: "exit", child, code }));
    return child;
  };
  const stop = async (child: ChildProcess | undefined): Promise<void> => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };

  let child: ChildProcess | undefined = start();
  let changed: string | undefined;
  let debounce: NodeJS.Timeout | undefined;
  for (;;) {
    const event = await queue.next();
    if (event.type === "signal" && event.signal === "SIGHUP") {
      process.stderr.write("tsgi: SIGHUP: restarting the app\n");
      await stop(child);
      child = start();
      continue;
    }
    if (event.type === "signal") {
      clearTimeout(debounce);
      await stop(child);
      break;
    }
    if (event.type === "exit") {
      if (event.child === child) {
        process.stderr.write(`tsgi: the app exited (code ${event.code}); waiting for a change to restart\n`);
        child = undefined;
      }
      continue;
    }
    if (event.file === "") {
      // the debounce timer fired: restart once for a burst of changes
      process.stderr.write(`tsgi: ${changed === undefined ? "a file" : relative(cwd, changed)} changed; restarting\n`);
      await stop(child);
      child = start();
      changed = undefined;
      continue;
    }
    changed = event.file;
    clearTimeout(debounce);
    debounce = setTimeout(() => queue.push({ type: "change", file: "" }), 150);
  }
  for (const watcher of watchers) watcher.close();
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  process.off("SIGHUP", onSignal);
  return 0;
}
