// Runs test/fetch/fixtures/runtime-server.ts under Deno or Bun (the binaries the `deno` and `bun` npm
// packages ship) as a real server on 127.0.0.1, bundled first by esbuild with the tsgi sources.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { findBinary, tempDir } from "../support/daemon.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURE = join(ROOT, "test/fetch/fixtures/runtime-server.ts");

export type RuntimeName = "deno" | "bun";

/** Where each runtime's binary may be: the package's linked binary, the platform package's, then PATH. */
const CANDIDATES: Record<RuntimeName, string[]> = {
  deno: ["node_modules/deno/deno", "node_modules/@deno/linux-x64-glibc/deno", "node_modules/@deno/linux-arm64-glibc/deno"],
  bun: ["node_modules/bun/bin/bun.exe", "node_modules/@oven/bun-linux-x64/bin/bun", "node_modules/@oven/bun-linux-aarch64/bin/bun"],
};

/** The runtime's binary, or undefined. A placeholder left by a skipped postinstall (a few bytes) does not count. */
export function findRuntime(name: RuntimeName): string | undefined {
  for (const candidate of CANDIDATES[name]) {
    const path = join(ROOT, candidate);
    if (existsSync(path) && statSync(path).size > 1_000_000) return path;
  }
  return findBinary(name);
}

/** True when the runtime is here; false when it is missing and CI is unset; in CI a missing runtime throws. */
export function haveRuntime(name: RuntimeName): boolean {
  if (findRuntime(name) !== undefined) return true;
  if (process.env.CI) throw new Error(`CI is set but the ${name} runtime is missing: run npm ci (the ${name} devDependency ships it)`);
  return false;
}

/** A fixture server running under a runtime. */
export interface RuntimeServer {
  readonly port: number;
  /** Everything the runtime wrote to stderr so far (the bridge's log goes there). */
  stderr(): string;
  /** Everything the fixture printed so far (a `{"fired":ID}` line per tsgi.signal that fired). */
  stdout(): string;
  /** Resolves when the runtime has exited (bounded by the caller). */
  exited(): Promise<void>;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => { clearTimeout(kill); done(); });
    child.kill("SIGTERM");
  });
}

/** Bundles the fixture and starts it under `name` (with extra runtime `flags`); resolves once it printed its port (10 s at most). */
export async function startRuntimeServer(name: RuntimeName, flags: string[] = []): Promise<RuntimeServer> {
  const binary = findRuntime(name);
  if (binary === undefined) throw new Error(`${name} is not installed`);
  const temp = tempDir(`tsgi-${name}-`);
  const bundle = join(temp.path, "server.mjs");
  await build({ entryPoints: [FIXTURE], bundle: true, format: "esm", platform: "neutral", target: "es2022", conditions: ["tsgi-source"], outfile: bundle, logLevel: "silent", absWorkingDir: ROOT });
  const args = name === "deno" ? ["run", "--allow-net", "--no-prompt", ...flags, bundle] : [...flags, bundle];
  const child = spawn(binary, args, { cwd: temp.path, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: temp.path, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
  const stop = async (): Promise<void> => {
    await stopChild(child);
    temp.remove();
  };
  try {
    const port = await new Promise<number>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${name} printed no port within 10 s; stderr: ${stderr}`)), 10_000);
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const match = /\{"port":(\d+)\}/.exec(stdout);
        if (match !== null) { clearTimeout(timer); done(Number(match[1])); }
      });
      child.once("exit", (code) => { clearTimeout(timer); fail(new Error(`${name} exited with ${code}; stderr: ${stderr}`)); });
    });
    const exit = new Promise<void>((done) => child.once("exit", () => done()));
    return { port, stderr: () => stderr, stdout: () => stdout, exited: () => exit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A reply as the client saw it. */
export interface SeenReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request (GET unless `method` says, with `body` if given) on a fresh connection; the whole reply. */
export function get(port: number, path: string, method = "GET", body?: string, timeoutMs = 5_000): Promise<SeenReply> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method, agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("latin1").on("data", (chunk: string) => { body += chunk; });
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", fail);
    });
    req.on("timeout", () => req.destroy(new Error(`no reply to ${path} within ${timeoutMs} ms`)));
    req.on("error", fail);
    req.end(body);
  });
}

/** GET, then close the connection after `afterMs` with no reply yet (a client that gives up waiting). */
export function abandonBeforeReply(port: number, path: string, afterMs: number): Promise<void> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent: false }, () => fail(new Error(`${path} answered before the client gave up`)));
    req.on("error", () => undefined);
    req.on("close", () => done());
    setTimeout(() => req.destroy(), afterMs);
    req.end();
  });
}

/** GET, read until `minBytes` of a streamed reply arrived, then close the connection mid-reply. */
export function abandonMidReply(port: number, path: string, minBytes: number, timeoutMs = 5_000): Promise<number> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => { req.destroy(); fail(new Error(`fewer than ${minBytes} bytes of ${path} within ${timeoutMs} ms`)); }, timeoutMs);
    let seen = 0;
    const req = httpRequest({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.on("data", (chunk: Buffer) => {
        seen += chunk.byteLength;
        if (seen >= minBytes) { clearTimeout(timer); req.destroy(); done(res.statusCode ?? 0); }
      });
    });
    req.on("error", () => undefined);
    req.end();
  });
}

/** Sends raw request text on a fresh connection; the reply's body once the server closes (5 s at most). */
export function rawBody(port: number, text: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => { socket.destroy(); fail(new Error(`no complete reply within ${timeoutMs} ms: ${JSON.stringify(data)}`)); }, timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => { data += chunk; });
    socket.on("error", (error) => { clearTimeout(timer); fail(error); });
    socket.on("close", () => { clearTimeout(timer); done(data.slice(data.indexOf("\r\n\r\n") + 4)); });
    socket.write(text);
  });
}
