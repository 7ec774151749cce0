// The tutorial's code, run as printed: the files it asks the reader to create (each fenced block
// preceded by `<!-- tutorial: NAME -->`) are written to a scratch directory inside the repository
// (so `import "tsgi"` resolves as in a clone), loaded, and asked what the tutorial says they answer.
// The test file it prints runs with the command it prints. Needs dist/ (npm run build), as the tutorial does.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { request } from "tsgi/testing";

const PAGE = "docs/tutorial.md";

/** The files the tutorial asks the reader to write: name → content. */
function tutorialFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const lines = readFileSync(PAGE, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- tutorial: (\S+) -->$/.exec(lines[i] ?? "");
    if (marker === null) continue;
    if (!/^```/.test(lines[i + 1] ?? "")) throw new Error(`${PAGE}:${i + 1}: a tutorial marker must precede a fenced block`);
    const body: string[] = [];
    for (i += 2; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i] ?? "");
    files.set(marker[1] ?? "", body.join("\n") + "\n");
  }
  return files;
}

describe("docs/tutorial.md", () => {
  const dir = resolve(".tsgi-tmp", `tutorial-${process.pid}`);
  const files = tutorialFiles();

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function load(name: string): Promise<App> {
    return ((await import(pathToFileURL(join(dir, name)).href)) as { default: App }).default;
  }

  it("asks for hello.ts, hello.test.ts and books.ts", () => {
    expect([...files.keys()].sort()).toEqual(["books.ts", "hello.test.ts", "hello.ts"]);
  });

  it("hello.ts answers what step 3 says", async () => {
    const reply = await request(await load("hello.ts"), "GET", "/anything");
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("Hello from /anything\n");
  });

  it("hello.test.ts passes with the command step 4 prints", async () => {
    const command = /```sh\n(node --import tsx --test hello\.test\.ts)/.exec(readFileSync(PAGE, "utf8"))?.[1];
    expect(command).toBeDefined();
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--test", "hello.test.ts"], { cwd: dir, encoding: "utf8" });
    expect(stdout).toMatch(/# pass 1/);
    expect(stdout).toMatch(/# fail 0/);
  });

  it("books.ts answers what step 5 says", async () => {
    const app = await load("books.ts");
    const home = await request(app, "GET", "/");
    expect(home.status).toBe(200);
    expect(home.header("content-type")).toMatch(/^text\/html/);
    expect((await request(app, "GET", "/books/42")).json()).toEqual({ isbn: "42" });
    expect((await request(app, "GET", "/search?q=dune")).json()).toEqual({ searched: "dune" });
    const missing = await request(app, "GET", "/search");
    expect(missing.status).toBe(400);
    expect(missing.header("content-type")).toMatch(/^application\/problem\+json/);
    expect(missing.text).toContain('"q"');
  });
});
