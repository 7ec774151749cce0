// tsgi in a user's own project, for each module type: ESM ("type": "module"), CommonJS (`npm init -y`, which
// writes "type": "commonjs" on npm 10+) and untyped (no "type"). Each project installs the packed tarball, runs
// `npx tsgi init` in place, installs the dev dependencies (registry or npm cache only), then its own scripts:
// `npm test`, `npm run dev` and `npm start` answering a page, and `npm run bundle` whose file runs as a CGI script.
// Needs dist/ (npm run build). Skips only when npm cannot install and CI is unset.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NPM_PLACEHOLDER_TEST } from "../../src/cli/init/merge.js";
import { SCRIPTS } from "../../src/cli/init/templates.js";
import { packAndUnpack } from "../package/pack.js";

const exec = promisify(execFile);

/** The environment of a user's shell: none of this test runner's own variables leak into the nested vitest. */
const USER_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_OPTIONS$|TSGI_)/.test(key)));

function npm(args: string[], cwd: string, timeout = 240_000): Promise<{ stdout: string; stderr: string }> {
  return exec("npm", [...args], { cwd, env: USER_ENV, timeout, maxBuffer: 16 * 1024 * 1024 });
}

/** The README's first example, as a user copies it into hello.ts. */
const README_HELLO = /```ts\n(\/\/ hello\.ts[^]*?)```/.exec(readFileSync(new URL("../../README.md", import.meta.url), "utf8"))?.[1] ?? "missing: README.md has no hello.ts example";

const INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund"];

/** Runs a command that serves (`npm run dev -- --bind 127.0.0.1:0`), GETs `path` from it, stops its process group. */
async function servePage(cwd: string, command: string[], path: string): Promise<{ body: string; output: string; stopped: boolean }> {
  const [program, ...args] = command as [string, ...string[]];
  const child = spawn(program, [...args, "--bind", "127.0.0.1:0"], { cwd, env: USER_ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {}
  };
  let body = "";
  let url: string | undefined;
  try {
    const deadline = Date.now() + 60_000;
    while (url === undefined && child.exitCode === null && Date.now() < deadline) {
      url = /serving .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    if (url !== undefined) {
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
      body = `${response.status} ${await response.text()}`;
    }
  } finally {
    killGroup("SIGTERM");
    if (!(await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]))) killGroup("SIGKILL");
  }
  // Stopped means the server's port refuses connections (npm is gone first; the server is what matters).
  let stopped = url === undefined;
  for (const deadline = Date.now() + 10_000; !stopped && Date.now() < deadline;) {
    stopped = await fetch(url!, { signal: AbortSignal.timeout(1_000) }).then(() => false, () => true);
    if (!stopped) await new Promise((r) => setTimeout(r, 100));
  }
  if (!stopped) killGroup("SIGKILL");
  return { body, output, stopped };
}

const CGI_ENV = {
  GATEWAY_INTERFACE: "CGI/1.1", REQUEST_METHOD: "GET", SCRIPT_NAME: "/app.cgi", PATH_INFO: "/hello", SERVER_NAME: "localhost",
  SERVER_PORT: "80", SERVER_PROTOCOL: "HTTP/1.1", REMOTE_ADDR: "127.0.0.1", HTTP_HOST: "localhost",
};

/** Runs a CGI script as a web server does: a clean environment, stdin (empty for a GET) closed after the body. */
function runCgi(file: string, query: string, body = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH ?? "", ...CGI_ENV, QUERY_STRING: query }, stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`CGI exited ${code}: ${err}`))));
    child.stdin.end(body);
  });
}

let packDir = "";
let tarball = "";
beforeAll(() => {
  ({ tarball, dir: packDir } = packAndUnpack());
}, 150_000);
afterAll(() => {
  if (packDir !== "") rmSync(packDir, { recursive: true, force: true });
});

type Kind = "esm" | "commonjs" | "untyped";

describe.each<Kind>(["esm", "commonjs", "untyped"])("tsgi init in a user's %s project", (kind) => {
  let project = "";
  let setupError = "";
  let installFailed = false;
  let initOutput = "";
  let withoutTsx: { code?: number; stderr?: string } = {};

  beforeAll(async () => {
    project = join(packDir, `user-${kind}`);
    mkdirSync(project);
    await npm(["init", "-y"], project, 60_000);
    if (kind === "esm") await npm(["pkg", "set", "type=module"], project, 60_000);
    if (kind === "untyped") await npm(["pkg", "delete", "type"], project, 60_000);
    const step = async (install: boolean, run: () => Promise<unknown>): Promise<void> => {
      if (setupError !== "") return;
      try {
        await run();
      } catch (error) {
        const failure = error as { stderr?: string; cmd?: string };
        setupError = `${failure.cmd ?? ""}\n${String(failure.stderr ?? error)}`.slice(-3000);
        installFailed = install;
      }
    };
    await step(true, () => npm([...INSTALL, tarball], project));
    writeFileSync(join(project, "hello.ts"), README_HELLO);
    if (setupError === "") {
      withoutTsx = await exec("npx", ["--no-install", "tsgi", "serve", "hello.ts", "--bind", "127.0.0.1:0"], { cwd: project, env: USER_ENV, timeout: 30_000 })
        .then(() => ({ code: 0 }), (error: { code?: number; stderr?: string }) => error);
    }
    await step(false, async () => (initOutput = (await exec("npx", ["--no-install", "tsgi", "init"], { cwd: project, env: USER_ENV, timeout: 60_000 })).stdout));
    await step(true, () => npm(INSTALL, project));
  }, 600_000);

  /** A failed `tsgi init` always fails the test; a failed npm install skips it, except in CI. */
  function installed(ctx: { skip: (note?: string) => void }): void {
    if (setupError === "") return;
    if (process.env.CI || !installFailed) throw new Error(`setting up the ${kind} project failed:\n${setupError}`);
    ctx.skip(`npm could not install: ${setupError.split("\n")[0]}`);
  }

  it("keeps the project's module type and fields, adds scripts and dependencies, and says what it kept", (ctx) => {
    installed(ctx);
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    expect(pkg.type).toBe({ esm: "module", commonjs: "commonjs", untyped: undefined }[kind]);
    expect(pkg).toMatchObject({ name: `user-${kind}`, version: "1.0.0", main: "index.js", license: "ISC" });
    expect(pkg.scripts).toEqual(SCRIPTS);
    expect(pkg.scripts.test).not.toBe(NPM_PLACEHOLDER_TEST);
    expect(pkg.dependencies.tsgi).toMatch(/^file:.*tsgi-0\.1\.0\.tgz$/);
    expect(pkg.devDependencies).toMatchObject({ tsx: expect.any(String), vitest: expect.any(String), esbuild: expect.any(String) });
    expect(initOutput).toContain(`tsgi: wrote 8 files in ${project} (package.json, tsconfig.json, vitest.config.ts, src/app.ts, test/app.test.ts, cgi-bin/package.json, .gitignore, README.md)`);
    expect(initOutput).toContain("tsgi: kept yours (init never overwrites them): dependencies.tsgi\n");
    expect(initOutput).toMatch(/\nnext: npm install && npm run dev\n$/);
  });

  it("the README's hello.ts: without tsx, the error names the fix; with it (after init), it serves", async (ctx) => {
    installed(ctx);
    expect(withoutTsx.code).toBe(1);
    expect(withoutTsx.stderr).toContain("tsgi: install tsx to load .ts, or build to .js (npm i -D tsx; production should run compiled JavaScript)");
    const { body, output, stopped } = await servePage(project, ["npx", "--no-install", "tsgi", "serve", "hello.ts"], "/from-readme");
    expect(body, output).toBe("200 Hello from /from-readme\n");
    expect(stopped, output).toBe(true);
  }, 60_000);

  it("its test script passes", async (ctx) => {
    installed(ctx);
    const { stdout } = await npm(["test"], project, 120_000);
    expect(stdout).toMatch(/Tests\s.*2 passed/);
  }, 150_000);

  it("its dev server (tsx, decorators) answers a page", async (ctx) => {
    installed(ctx);
    const { body, output, stopped } = await servePage(project, ["npm", "run", "dev", "--"], `/hello?name=${kind}`);
    expect(body, output).toBe(`200 <p>Hello, ${kind}!</p>`);
    expect(stopped, output).toBe(true);
  }, 120_000);

  it("its start script compiles with tsc and serves dist/app.js", async (ctx) => {
    installed(ctx);
    const { body, output, stopped } = await servePage(project, ["npm", "start", "--"], `/hello?name=tsc-${kind}`);
    expect(body, output).toBe(`200 <p>Hello, tsc-${kind}!</p>`);
    expect(output).toContain("serving dist/app.js:default");
    expect(stopped, output).toBe(true);
  }, 150_000);

  it("its bundle script writes one CGI file that answers a request", async (ctx) => {
    installed(ctx);
    const { stderr } = await npm(["run", "bundle"], project, 120_000);
    expect(stderr).not.toContain("warning");
    const out = await runCgi(join(project, "cgi-bin/app.cgi"), `name=cgi-${kind}`);
    expect(out).toMatch(/^Status: 200 OK\r?\n/);
    expect(out).toMatch(/^x-request-id: [0-9a-f-]{36}\r?$/m);
    expect(out.endsWith(`\n<p>Hello, cgi-${kind}!</p>`)).toBe(true);
  }, 150_000);
});
