// Loading a TypeScript entry as a user's own project does: fresh temp projects (ESM, CommonJS, no "type") with
// the repository's tsx and esbuild linked in, `tsgi serve` as a real child process with only tsx's ESM hooks
// preloaded (as the compiled command has none of its own), and the load errors people see.
import { spawn } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/daemon.js";
import { ROOT } from "./run-cli.js";

const CLI = resolve(ROOT, "src/cli.ts");
const TSX_ESM_ONLY = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

const HELLO = [
  'import type { App } from "tsgi";',
  "const greeting: string = \"Hello\";",
  "const app: App = (env) => ({ status: 200, headers: [[\"content-type\", \"text/plain\"]], body: `${greeting} ${env.PATH_INFO}` });",
  "export default app;",
  "",
].join("\n");

const dir = tempDir("tsgi-load-");
const project = (name: string) => join(dir.path, name);

function makeProject(name: string, manifest: object, files: Record<string, string>): void {
  mkdirSync(join(project(name), "node_modules"), { recursive: true });
  for (const pkg of ["tsx", "esbuild"]) symlinkSync(join(ROOT, "node_modules", pkg), join(project(name), "node_modules", pkg));
  symlinkSync(ROOT, join(project(name), "node_modules", "tsgi"));
  writeFileSync(join(project(name), "package.json"), JSON.stringify(manifest));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(project(name), file), text);
}

/** Runs `tsgi serve ARGS` in a project; with `get`, waits for it to listen, GETs the path, then stops it. */
async function serveIn(name: string, args: string[], get?: string): Promise<{ code: number | string; stderr: string; body?: string }> {
  const child = spawn(process.execPath, ["--conditions=tsgi-source", "--import", TSX_ESM_ONLY, CLI, "serve", ...args, "--bind", "127.0.0.1:0"], {
    cwd: project(name), env: { ...process.env, NODE_OPTIONS: "" }, stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<number | string>((r) => child.once("exit", (code, signal) => r(code ?? signal ?? -1)));
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  let body: string | undefined;
  try {
    if (get !== undefined) {
      const deadline = Date.now() + 15_000;
      let url: string | undefined;
      while (url === undefined && child.exitCode === null && Date.now() < deadline) {
        url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      if (url !== undefined) body = await (await fetch(`${url}${get}`)).text();
      child.kill("SIGTERM");
    }
    const code = await exited;
    return { code, stderr, ...(body === undefined ? {} : { body }) };
  } finally {
    clearTimeout(killer);
  }
}

beforeAll(() => {
  makeProject("esm", { name: "esm-app", type: "module" }, { "hello.ts": HELLO, "hello.cts": HELLO });
  makeProject("cjs", { name: "cjs-app", type: "commonjs" }, {
    "hello.ts": HELLO,
    "hello.mts": HELLO,
    "esm.js": 'export default () => ({ status: 200, headers: [], body: "" });\n',
    "esm-import.cjs": 'import { z } from "zod";\nmodule.exports = () => ({ status: 200, headers: [], body: "" });\n',
  });
  makeProject("untyped", { name: "untyped-app", version: "1.0.0" }, {
    "hello.ts": HELLO,
    "broken.ts": "const x: number = ;\nexport default x;\n",
    "broken-compiled.js": "export const a = 1;\nconst b = ;\nexport default a;\n",
    "unterminated.js": 'export const a = 1;\nconst b = "no end;\nexport default a;\n',
    "throws.ts": 'import "./helper.ts";\nexport default () => ({ status: 200, headers: [], body: "" });\n',
    "helper.ts": "export const y = 1;\nthrow new Error(\"no DATABASE_URL\");\n",
    "object-headers.ts": 'export default () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "x" });\n',
  });
});
afterAll(() => dir.remove());

describe("a .ts, .mts or .cts entry in the user's own project", () => {
  for (const [name, file] of [["esm", "hello.ts"], ["esm", "hello.cts"], ["cjs", "hello.ts"], ["cjs", "hello.mts"], ["untyped", "hello.ts"]] as const) {
    it(`serves ${file} in a ${name} project`, async () => {
      const result = await serveIn(name, [file], "/there");
      expect(result.stderr).not.toMatch(/cannot load/);
      expect(result.body).toBe("Hello /there");
      expect(result.code).toBe(0);
    }, 30_000);
  }
});

describe("load errors", () => {
  it("a TypeScript syntax error shows file:line:column and a code frame", async () => {
    const { code, stderr } = await serveIn("untyped", ["broken.ts"]);
    expect(code).toBe(1);
    expect(stderr).toContain("tsgi: cannot load broken.ts: a syntax error at broken.ts:1:19: Unexpected \";\"\n> 1 | const x: number = ;\n    |                   ^\n  2 | export default x;");
  }, 30_000);

  it("a syntax error in compiled JavaScript shows where it is", async () => {
    const { code, stderr } = await serveIn("untyped", ["broken-compiled.js"]);
    expect(code).toBe(1);
    expect(stderr).toContain("a syntax error at broken-compiled.js:2:11");
    expect(stderr).toContain("> 2 | const b = ;");
  }, 30_000);

  it("an invalid token in compiled JavaScript (Node: \"Invalid or unexpected token\") shows where it is", async () => {
    const { code, stderr } = await serveIn("untyped", ["unterminated.js"]);
    expect(code).toBe(1);
    expect(stderr).toContain("tsgi: cannot load unterminated.js: a syntax error at unterminated.js:2:19: Unterminated string literal\n  1 | export const a = 1;\n> 2 | const b = \"no end;\n    |                   ^");
  }, 30_000);

  it("ES module syntax in a CommonJS project names the cause and the one-line fix", async () => {
    const js = await serveIn("cjs", ["esm.js"]);
    expect(js.code).toBe(1);
    expect(js.stderr).toContain(`tsgi: cannot load esm.js: it is an ES module (Unexpected token 'export') but Node loaded it as CommonJS (as its package.json says); add "type": "module" to package.json, or rename it to .mjs`);
    const cjs = await serveIn("cjs", ["esm-import.cjs"]);
    expect(cjs.stderr).toContain("tsgi: cannot load esm-import.cjs: it is an ES module (Cannot use import statement outside a module) but Node loaded it as CommonJS (a .cjs or .cts file is always CommonJS); rename it to .mjs");
  }, 30_000);

  it("an import-time throw names where it threw, and shows its stack with --development", async () => {
    const plain = await serveIn("untyped", ["throws.ts"]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("tsgi: cannot load throws.ts: no DATABASE_URL (at helper.ts:2:7) (run with --development for the stack)");
    const development = await serveIn("untyped", ["throws.ts", "--development"]);
    expect(development.stderr).toMatch(/importing it threw \(at helper\.ts:2:7\):\nError: no DATABASE_URL\n {4}at .*helper\.ts:2:7/);
  }, 30_000);

  it("a missing module suggests the near names beside it", async () => {
    const { code, stderr } = await serveIn("esm", ["helo.ts"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/tsgi: cannot load "helo\.ts": no file .*helo\.ts; did you mean hello\.cts or hello\.ts\?/);
  }, 30_000);

  it("headers given as an object log that headers are [name, value] pairs", async () => {
    const { body, stderr } = await serveIn("untyped", ["object-headers.ts"], "/");
    expect(body).toBeDefined();
    expect(stderr).toContain("the app's reply has headers that are not an array; give headers as [name, value] pairs");
  }, 30_000);
});
