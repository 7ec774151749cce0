// The tsconfig that docs/framework/decorators.md prints, used as a reader would: a decorated
// controller compiled by tsc and run with node, bundled by esbuild and run, and run from source by
// tsx. (vitest is the fourth: the page's runnable snippets load under it.) A control compiles the
// same file with `target: "ESNext"` and shows Node rejecting the raw decorators, which is why the
// page asks for ES2022. Needs dist/ (npm run build): the scratch project imports the package by name.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetsOf } from "../docs/snippets.js";

const run = promisify(execFile);
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

const SOURCE = `import { controller, createApp, get, post, type ContextOf } from "tsgi/framework";
import { request } from "tsgi/testing";

const show = get("/:id", { name: "note" });
const add = post("/");

@controller("/notes")
class Notes {
  notes = ["first"];
  @show read(ctx: ContextOf<typeof show>) { return this.notes[Number(ctx.params.id)] ?? null; }
  @add create() { this.notes.push("more"); return { count: this.notes.length }; }
  @get("/all") static all() { return "static"; }
}

const app = createApp().controller(Notes);
const created = await request(app, "POST", "/notes");
const read = await request(app, "GET", "/notes/1");
const all = await request(app, "GET", "/notes/all");
console.log(JSON.stringify([created.json(), read.text, all.text, app.url("note", { id: 0 })]));
`;
const EXPECTED = JSON.stringify([{ count: 2 }, "more", "static", "/notes/0"]);

function docTsconfig(): Record<string, unknown> {
  const snippet = snippetsOf("docs/framework/decorators.md").find((candidate) => candidate.language === "json"
    && readFileSync("docs/framework/decorators.md", "utf8").split("\n")[candidate.line - 2]?.trim() === "<!-- checked: decorators-tsconfig -->");
  if (snippet === undefined) throw new Error("docs/framework/decorators.md has no block marked <!-- checked: decorators-tsconfig -->");
  return JSON.parse(snippet.text) as Record<string, unknown>;
}

describe("the decorators page's tsconfig", () => {
  const dir = resolve(".tsgi-tmp", `decorator-toolchain-${process.pid}`);
  const config = docTsconfig();

  beforeAll(() => {
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ ...config, include: ["src"] }));
    writeFileSync(join(dir, "src", "notes.ts"), SOURCE);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has no experimentalDecorators and targets ES2022", () => {
    const options = config.compilerOptions as Record<string, unknown>;
    expect(options.experimentalDecorators).toBeUndefined();
    expect(options.target).toBe("ES2022");
  });

  it("tsc typechecks and compiles it, and node runs the output", async () => {
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir });
    const { stdout } = await run(process.execPath, [join(dir, "dist", "notes.js")], { cwd: dir });
    expect(stdout.trim()).toBe(EXPECTED);
  }, 120_000);

  it("esbuild bundles it with that tsconfig and the target the page gives, and node runs the bundle", async () => {
    const target = /esbuild[^\n]*--target=(node20)/.exec(readFileSync("docs/framework/decorators.md", "utf8"))?.[1];
    expect(target).toBe("node20");
    await build({
      entryPoints: [join(dir, "src", "notes.ts")], outfile: join(dir, "bundle.mjs"), bundle: true, platform: "node", format: "esm",
      tsconfig: join(dir, "tsconfig.json"), target: target ?? "node20", packages: "external", logLevel: "silent",
    });
    const { stdout } = await run(process.execPath, [join(dir, "bundle.mjs")], { cwd: dir });
    expect(stdout.trim()).toBe(EXPECTED);
  }, 60_000);

  it("tsx runs the source", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(dir, "src", "notes.ts")], { cwd: dir });
    expect(stdout.trim()).toBe(EXPECTED);
  }, 60_000);

  it("control: with tsc --init's target ESNext the output keeps raw decorators and Node 20 cannot parse it", async () => {
    await run(process.execPath, [tsc, "-p", "tsconfig.json", "--target", "ESNext", "--outDir", "esnext"], { cwd: dir });
    expect(readFileSync(join(dir, "esnext", "notes.js"), "utf8")).toContain("@controller(");
    const failed = await run(process.execPath, [join(dir, "esnext", "notes.js")], { cwd: dir }).then(() => "", (error: { stderr: string }) => error.stderr);
    expect(failed).toMatch(/SyntaxError: Invalid or unexpected token/);
  }, 120_000);
});
