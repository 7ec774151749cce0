// Starts a tsgi server under Bun or Deno (the binaries their npm packages ship): a fixture entry that
// calls serveHttp (node:http, as `tsgi serve` does) is bundled by esbuild with the tsgi sources, run by
// the runtime on 127.0.0.1, and prints {"port":N} once listening. SIGTERM closes it gracefully.
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { tempDir } from "../support/daemon.js";
import { findRuntime, type RuntimeName } from "../fetch/runtime-host.js";

export { findRuntime, haveRuntime, type RuntimeName } from "../fetch/runtime-host.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** A tsgi server running under a runtime. */
export interface RuntimeServe {
  readonly port: number;
  readonly runtime: RuntimeName;
  /** Everything the server wrote to stderr so far (tsgi's log goes there). */
  stderr(): string;
  stdout(): string;
  /** SIGTERM: the fixture closes the server gracefully and exits; resolves once it has (5 s at most, then SIGKILL). */
  close(): Promise<void>;
  /** Stops the runtime (safe after close) and removes the temp dir. */
  stop(): Promise<void>;
}

/** SIGTERM (each call sends one), then SIGKILL after `graceMs`; resolves once the child exited. */
function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => { clearTimeout(kill); done(); });
    child.kill("SIGTERM");
  });
}

/**
 * Bundles `entry` (a path under the repo root) and runs it under `runtime` with `env` added; resolves once it
 * printed its port (15 s at most).
 */
export async function startUnder(runtime: RuntimeName, entry: string, env: Record<string, string> = {}): Promise<RuntimeServe> {
  const binary = findRuntime(runtime);
  if (binary === undefined) throw new Error(`${runtime} is not installed: run npm ci (the ${runtime} devDependency ships it)`);
  const temp = tempDir(`tsgi-serve-${runtime}-`);
  const bundle = join(temp.path, "server.mjs");
  await build({
    entryPoints: [join(ROOT, entry)], bundle: true, format: "esm", platform: "node", target: "es2022", conditions: ["tsgi-source"],
    outfile: bundle, logLevel: "silent", absWorkingDir: ROOT,
    // Native and runtime-specific modules stay imports: the adapter picks one at run time.
    external: ["better-sqlite3", "bun:sqlite", "node:sqlite", "ioredis"],
    // esbuild's ESM output for node needs require() for CommonJS dependencies.
    banner: { js: 'import { createRequire as __tsgiCreateRequire } from "node:module"; const require = __tsgiCreateRequire(import.meta.url);' },
  });
  const args = runtime === "deno" ? ["run", "-A", "--no-prompt", bundle] : [bundle];
  const child = spawn(binary, args, {
    cwd: temp.path,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: temp.path, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
  const stop = async (): Promise<void> => {
    await stopChild(child, 3_000);
    temp.remove();
  };
  try {
    const port = await new Promise<number>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${runtime} printed no port within 15 s; stderr: ${stderr}`)), 15_000);
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const match = /\{"port":(\d+)\}/.exec(stdout);
        if (match !== null) { clearTimeout(timer); done(Number(match[1])); }
      });
      child.once("exit", (code) => { clearTimeout(timer); fail(new Error(`${runtime} exited with ${code}; stderr: ${stderr}`)); });
    });
    return { port, runtime, stderr: () => stderr, stdout: () => stdout, close: () => stopChild(child, 5_000), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
