// The framework docs' code, compiled and run as printed: every `ts` block preceded by
// `<!-- checked: run -->` is a whole module. They are written to a scratch directory inside the
// repository (so `import "tsgi/framework"` resolves as in a clone), typechecked together by tsc with
// the project's strict settings, then each is imported; its top-level `assert`s are the check.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runnableSnippets, type Snippet } from "./snippets.js";

const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
const snippets = runnableSnippets();
const fileOf = (snippet: Snippet): string => `${basename(snippet.page, ".md")}-${snippet.line}.ts`;

describe("docs/framework snippets", () => {
  const dir = resolve(".tsgi-tmp", `framework-snippets-${process.pid}`);

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    for (const snippet of snippets) writeFileSync(join(dir, fileOf(snippet)), snippet.text);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      extends: "../../tsconfig.base.json",
      compilerOptions: { noEmit: true, customConditions: ["tsgi-source"], noUnusedLocals: false },
      include: ["*.ts"],
    }));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("every page that documents an issue-13 feature has runnable snippets", () => {
    const pages = new Set(snippets.map((snippet) => basename(snippet.page)));
    for (const page of ["routing.md", "mounting.md", "middleware.md", "errors.md", "decorators.md", "html.md", "openapi.md", "testing.md"]) expect(pages).toContain(page);
  });

  it("they typecheck with the project's strict settings", async () => {
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { cwd: dir }).then(
      () => "",
      (error: { stdout: string }) => error.stdout,
    );
    const located = result.replace(/^([\w.-]+)-(\d+)\.ts\((\d+),(\d+)\)/gm, (_all, page: string, line: string, row: string) =>
      `docs/framework/${page}.md:${Number(line) + Number(row)}`);
    expect(located).toBe("");
  }, 120_000);

  it.each(snippets.map((snippet) => [`${snippet.page}:${snippet.line}`, snippet] as const))("%s runs", async (_where, snippet) => {
    await import(pathToFileURL(join(dir, fileOf(snippet))).href);
  });
});
