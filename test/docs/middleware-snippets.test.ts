// The middleware docs' code, compiled and run as printed, the same way framework-snippets.test.ts
// checks docs/framework: every `ts` block preceded by `<!-- checked: run -->` is a whole module,
// written to a scratch directory inside the repository, typechecked together by tsc with the
// project's strict settings, then imported; its top-level `assert`s are the check.
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUN_MARKER, snippetsOf, type Snippet } from "./snippets.js";

const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
const pages = readdirSync("docs/middleware").filter((name) => name.endsWith(".md")).sort().map((name) => `docs/middleware/${name}`);
const snippets = pages.flatMap((page) => {
  const lines = readFileSync(page, "utf8").split("\n");
  return snippetsOf(page).filter((snippet) => snippet.language === "ts" && (lines[snippet.line - 2] ?? "").trim() === RUN_MARKER);
});
const fileOf = (snippet: Snippet): string => `${basename(snippet.page, ".md")}-${snippet.line}.ts`;

describe("docs/middleware snippets", () => {
  const dir = resolve(".tsgi-tmp", `middleware-snippets-${process.pid}`);

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

  it("the pages of issue 13's middleware items have runnable snippets", () => {
    const found = new Set(snippets.map((snippet) => basename(snippet.page)));
    for (const page of ["auth.md", "csrf.md"]) expect(found).toContain(page);
  });

  it("they typecheck with the project's strict settings", async () => {
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { cwd: dir }).then(
      () => "",
      (error: { stdout: string }) => error.stdout,
    );
    const located = result.replace(/^([\w.-]+)-(\d+)\.ts\((\d+),(\d+)\)/gm, (_all, page: string, line: string, row: string) =>
      `docs/middleware/${page}.md:${Number(line) + Number(row)}`);
    expect(located).toBe("");
  }, 120_000);

  it.each(snippets.map((snippet) => [`${snippet.page}:${snippet.line}`, snippet] as const))("%s runs", async (_where, snippet) => {
    await import(pathToFileURL(join(dir, fileOf(snippet))).href);
  });
});
