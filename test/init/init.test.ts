// tsgi init as a new user meets it: scaffold into an empty directory, npm install the packed tarball (from the
// npm cache where it can), then the project's own test script, its dev server answering a page, and its CGI bundle.
// Needs dist/ (npm run build). Skips the install part only when npm cannot install and CI is unset.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initCommand } from "../../src/cli/init/command.js";
import { InitError, initProject } from "../../src/cli/init/index.js";
import { NPM_PLACEHOLDER_TEST } from "../../src/cli/init/merge.js";
import { packAndUnpack } from "../package/pack.js";

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "tsgi-init-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("initProject", () => {
  it("writes the project files and names tsgi's tarball as given", async () => {
    const { dir, files } = await initProject(join(scratch, "My App"), { tsgi: "./tsgi-0.1.0.tgz" });
    expect(files).toEqual(["package.json", "tsconfig.json", "vitest.config.ts", "src/app.ts", "test/app.test.ts", "cgi-bin/package.json", ".gitignore", "README.md"]);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.name).toBe("my-app");
    expect(pkg.dependencies.tsgi).toBe(`file:${join(process.cwd(), "tsgi-0.1.0.tgz")}`);
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["dev", "start", "test", "bundle"]));
    expect(pkg.devDependencies).toMatchObject({ tsx: expect.any(String), vitest: "~4.1.9", vite: "^7.3.0" });
    const tsconfig = JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8"));
    expect(tsconfig.compilerOptions.target).toBe("ES2022");
    expect(tsconfig.compilerOptions.experimentalDecorators).toBeUndefined();
    expect(readFileSync(join(dir, "src/app.ts"), "utf8")).toMatch(/@controller\("\/hello"\)/);
  });

  it("defaults to this package's version", async () => {
    const { dir } = await initProject(join(scratch, "versioned"));
    const own = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies.tsgi).toBe(`^${own}`);
  });

  it("refuses a non-empty directory, writes nothing, and names the fix", async () => {
    const dir = join(scratch, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const error = await initProject(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InitError);
    expect((error as Error).message).toBe(`cannot init ${dir}: it is not empty (notes.txt) and has no package.json; nothing was written. Name a new directory (tsgi init my-app), or make this one a project first (npm init -y) and run tsgi init again`);
    expect(existsSync(join(dir, "package.json"))).toBe(false);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
  });

  it("adds to an existing project: keeps its type, fields, scripts and dependencies; writes only absent files", async () => {
    const dir = join(scratch, "existing");
    mkdirSync(dir);
    const theirs = {
      name: "site", version: "2.0.0", type: "commonjs", main: "index.js",
      scripts: { test: "jest", lint: "eslint ." }, dependencies: { tsgi: "file:../tsgi.tgz" }, devDependencies: { typescript: "^5.9.0" },
    };
    writeFileSync(join(dir, "package.json"), JSON.stringify(theirs, null, 4));
    writeFileSync(join(dir, "README.md"), "# site\n");
    const result = await initProject(dir, { tsgi: "^9.9.9", name: "ignored" });
    expect(result).toMatchObject({ existing: true, files: ["package.json", "tsconfig.json", "vitest.config.ts", "src/app.ts", "test/app.test.ts", "cgi-bin/package.json", ".gitignore"] });
    expect(result.kept).toEqual(["scripts.test", "dependencies.tsgi", "devDependencies.typescript", "README.md"]);
    expect(result.added).toEqual(["scripts.dev", "scripts.build", "scripts.prestart", "scripts.start", "scripts.bundle", "dependencies.zod", "devDependencies.@types/node", "devDependencies.esbuild", "devDependencies.tsx", "devDependencies.vite", "devDependencies.vitest", "engines"]);
    const text = readFileSync(join(dir, "package.json"), "utf8");
    expect(text).toMatch(/^{\n {4}"name": "site",\n/);
    const pkg = JSON.parse(text);
    expect(Object.keys(pkg).slice(0, 7)).toEqual(["name", "version", "type", "main", "scripts", "dependencies", "devDependencies"]);
    expect(pkg.type).toBe("commonjs");
    expect(pkg.scripts).toMatchObject({ test: "jest", lint: "eslint .", dev: "tsgi serve src/app.ts --reload --development" });
    expect(pkg.dependencies).toEqual({ tsgi: "file:../tsgi.tgz", zod: "^4.1.0" });
    expect(pkg.devDependencies.typescript).toBe("^5.9.0");
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# site\n");
  });

  it("keeps a package.json without a type untyped, and replaces only npm init's placeholder test script", async () => {
    const dir = join(scratch, "untyped");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "u", scripts: { test: NPM_PLACEHOLDER_TEST } }));
    const { added } = await initProject(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect("type" in pkg).toBe(false);
    expect(pkg.scripts.test).toBe("vitest run");
    expect(added).toContain("scripts.test");
  });

  it("run again in the same project, changes nothing and reports nothing kept", async () => {
    const dir = join(scratch, "twice");
    await initProject(dir, { tsgi: "^0.1.0" });
    const before = readFileSync(join(dir, "package.json"), "utf8");
    await expect(initProject(dir, { tsgi: "^0.1.0" })).resolves.toMatchObject({ existing: true, files: [], added: [], kept: [] });
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(before);
  });

  it("refuses to overwrite a file of the project's, names each one and the fix, and writes nothing", async () => {
    const dir = join(scratch, "conflicts");
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "package.json"), '{"name":"c","type":"module"}');
    writeFileSync(join(dir, "tsconfig.json"), "{}");
    writeFileSync(join(dir, "src/app.ts"), "export default 1;");
    writeFileSync(join(dir, "test"), "a file where init wants a directory");
    const error = await initProject(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InitError);
    expect((error as Error).message).toBe(
      `cannot init ${dir}: tsgi init would overwrite tsconfig.json, src/app.ts, test/app.test.ts (something else is in its place); nothing was written. `
      + "Move them aside (e.g. mv tsconfig.json tsconfig.old.json) and run tsgi init again, or start a new project: tsgi init my-app",
    );
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe('{"name":"c","type":"module"}');
    expect(existsSync(join(dir, "vitest.config.ts"))).toBe(false);
    expect(existsSync(join(dir, ".gitignore"))).toBe(false);
  });

  it("refuses a package.json that is not JSON, naming the fix", async () => {
    const dir = join(scratch, "bad-json");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), "{ name: 'x' }");
    await expect(initProject(dir)).rejects.toThrow(/^cannot init .*bad-json: its package\.json is not valid JSON \(.+\); nothing was written\. Fix package\.json .* and run tsgi init again$/);
    expect(existsSync(join(dir, "tsconfig.json"))).toBe(false);
  });

  it("refuses a package.json whose scripts are not an object instead of replacing them", async () => {
    const dir = join(scratch, "bad-scripts");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), '{"name":"x","scripts":"make"}');
    await expect(initProject(dir)).rejects.toThrow(`cannot init ${dir}: "scripts" in its package.json is "make", not an object of names; nothing was written. Make it an object (e.g. "scripts": {}) and run tsgi init again`);
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe('{"name":"x","scripts":"make"}');
    expect(existsSync(join(dir, "src"))).toBe(false);
  });

  it("accepts a directory holding only .git", async () => {
    const dir = join(scratch, "with-git");
    mkdirSync(join(dir, ".git"), { recursive: true });
    await expect(initProject(dir)).resolves.toMatchObject({ dir });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

describe("a project made by initProject, installed from the packed tarball", () => {
  let project = "";
  let packDir = "";
  let installError = "";
  let dev: ChildProcess | undefined;

  beforeAll(async () => {
    const { tarball, dir } = packAndUnpack();
    packDir = dir;
    project = (await initProject(join(scratch, "fresh"), { tsgi: tarball })).dir;
    try {
      await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project, timeout: 240_000 });
    } catch (error) {
      installError = String((error as { stderr?: string }).stderr ?? error).slice(-2000);
    }
  }, 300_000);

  afterAll(() => {
    if (packDir !== "") rmSync(packDir, { recursive: true, force: true });
    if (dev?.pid === undefined || dev.exitCode !== null) return;
    try {
      process.kill(-dev.pid, "SIGKILL");
    } catch {}
  });

  function installed(ctx: { skip: (note?: string) => void }): void {
    if (installError === "") return;
    if (process.env.CI) throw new Error(`npm install of the scaffolded project failed:\n${installError}`);
    ctx.skip(`npm could not install: ${installError.split("\n")[0]}`);
  }

  it("its test script passes", async (ctx) => {
    installed(ctx);
    const { stdout } = await run("npm", ["test"], { cwd: project, timeout: 120_000 });
    expect(stdout).toMatch(/Tests\s.*2 passed/);
  }, 150_000);

  it("its dev server answers a page", async (ctx) => {
    installed(ctx);
    const port = await freePort();
    const script = JSON.parse(readFileSync(join(project, "package.json"), "utf8")).scripts.dev as string;
    const args = script.replace(/^tsgi /, "").split(" ");
    dev = spawn(process.execPath, [join(project, "node_modules/tsgi/dist/cli.js"), ...args, "--bind", `127.0.0.1:${port}`], {
      cwd: project, detached: true, stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    dev.stdout!.on("data", (chunk) => (output += chunk));
    dev.stderr!.on("data", (chunk) => (output += chunk));
    let body = "";
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/hello?name=dev`);
        body = `${response.status} ${await response.text()}`;
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const exited = new Promise((r) => dev!.once("exit", r));
    process.kill(-dev.pid!, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    expect(body, output).toBe("200 <p>Hello, dev!</p>");
    expect(dev.exitCode ?? dev.signalCode, output).not.toBeNull();
  }, 60_000);

  it("its bundle script writes a CGI file that answers a request", async (ctx) => {
    installed(ctx);
    await run("npm", ["run", "bundle"], { cwd: project, timeout: 120_000 });
    const env = {
      PATH: process.env.PATH ?? "", GATEWAY_INTERFACE: "CGI/1.1", REQUEST_METHOD: "GET", SCRIPT_NAME: "/app.cgi", PATH_INFO: "/hello",
      QUERY_STRING: "name=cgi", SERVER_NAME: "localhost", SERVER_PORT: "80", SERVER_PROTOCOL: "HTTP/1.1", REMOTE_ADDR: "127.0.0.1",
    };
    const { stdout } = await run(process.execPath, [join(project, "cgi-bin/app.cgi")], { cwd: project, env, timeout: 30_000 });
    expect(stdout).toMatch(/^Status: 200/m);
    expect(stdout.endsWith("<p>Hello, cgi!</p>")).toBe(true);
  }, 150_000);
});

describe("initCommand (what `tsgi init` runs)", () => {
  function capture(): { out: () => string; restore: () => void } {
    let text = "";
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => ((text += String(chunk)), true)) as typeof process.stdout.write;
    return { out: () => text, restore: () => (process.stdout.write = write) };
  }

  it("scaffolds DIR and prints the next step, quoting a directory with a space", async () => {
    const dir = join(scratch, "cmd app");
    const io = capture();
    try {
      expect(await initCommand([dir, "--tsgi", "^0.1.0"])).toBe(0);
    } finally {
      io.restore();
    }
    expect(io.out()).toBe(`tsgi: wrote 8 files in ${dir}\nnext: cd '${dir}' && npm install && npm run dev\n`);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies.tsgi).toBe("^0.1.0");
  });

  it("in an existing project, prints what it added and what it kept", async () => {
    const dir = join(scratch, "cmd-existing");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "mine", scripts: { dev: "vite" }, dependencies: { tsgi: "^0.1.0", zod: "^4.1.0" } }));
    const io = capture();
    try {
      expect(await initCommand([dir])).toBe(0);
    } finally {
      io.restore();
    }
    expect(io.out()).toBe([
      `tsgi: wrote 8 files in ${dir} (package.json, tsconfig.json, vitest.config.ts, src/app.ts, test/app.test.ts, cgi-bin/package.json, .gitignore, README.md)`,
      "tsgi: package.json: added scripts.build, scripts.prestart, scripts.start, scripts.test, scripts.bundle, devDependencies.@types/node, devDependencies.esbuild, devDependencies.tsx, devDependencies.typescript, devDependencies.vite, devDependencies.vitest, engines",
      "tsgi: kept yours (init never overwrites them): scripts.dev",
      `next: cd ${dir} && npm install && npm run dev`,
      "",
    ].join("\n"));
  });

  it("prints its help, and refuses two directories or an unknown option as usage mistakes", async () => {
    const io = capture();
    try {
      expect(await initCommand(["--help"])).toBe(0);
    } finally {
      io.restore();
    }
    expect(io.out()).toMatch(/^Usage: tsgi init \[DIR\] \[options\]/);
    expect(io.out()).toContain("--tsgi SPEC");
    await expect(initCommand(["a", "b"])).rejects.toThrow("tsgi init takes one directory, got 2: tsgi init [DIR] (tsgi init --help)");
    await expect(initCommand(["--force"])).rejects.toMatchObject({ name: "UsageError", exitCode: 2 });
  });
});
