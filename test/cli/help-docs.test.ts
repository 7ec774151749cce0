// docs/cli.md and every command's --help list the same options: a flag added to one and not the other fails here.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { COMMANDS, main } from "../../src/cli/main.js";
import { ROOT } from "./run-cli.js";

const DOC = readFileSync(resolve(ROOT, "docs/cli.md"), "utf8");

afterEach(() => { vi.restoreAllMocks(); });

/** What `tsgi ARGS` writes to stdout, and its exit code, run in this process. */
async function output(args: string[]): Promise<{ code: number; text: string }> {
  let text = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => { text += String(chunk); return true; });
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, text };
}

/** The long flags in a help text's Options section. */
function helpFlags(help: string): string[] {
  const options = help.slice(help.indexOf("Options:"));
  const flags = options.split("\n").filter((line) => /^\s+(-\w, )?--/.test(line)).map((line) => /--[a-z][a-z-]*/.exec(line)?.[0] as string);
  return [...new Set(flags)].sort();
}

/** The long flags in the option table of docs/cli.md's section for a command (from its `## ` heading to the next). */
function docFlags(command: string): string[] {
  const start = DOC.indexOf(`## \`tsgi ${command}`);
  if (start < 0) return [];
  const end = DOC.indexOf("\n## ", start + 1);
  const section = DOC.slice(start, end < 0 ? undefined : end);
  const rows = section.split("\n").filter((line) => line.startsWith("| `-"));
  const flags = rows.flatMap((row) => (row.split(" | ")[0] as string).match(/--[a-z][a-z-]*/g) ?? []);
  return [...new Set(flags)].sort();
}

describe("docs/cli.md agrees with --help", () => {
  for (const command of Object.keys(COMMANDS).filter((name) => name !== "demo")) {
    it(`tsgi ${command}: every option in --help is documented, and every documented one exists`, async () => {
      const { code, text } = await output([command, "--help"]);
      expect(code).toBe(0);
      const fromHelp = helpFlags(text);
      expect(fromHelp.length).toBeGreaterThan(0);
      expect(docFlags(command)).toEqual(fromHelp);
    });
  }

  it("tsgi demo --help prints its own usage with the serve options, as the docs say", async () => {
    const demo = await output(["demo", "--help"]);
    expect(demo.text).toMatch(/^Usage: tsgi demo/);
    expect(helpFlags(demo.text)).toEqual(helpFlags((await output(["serve", "--help"])).text));
    expect(DOC).toMatch(/## `tsgi demo`[^]*Takes the `serve` options/);
  });

  it("every command is in the docs' command list and in tsgi help", async () => {
    const help = (await output(["help"])).text;
    for (const command of Object.keys(COMMANDS)) {
      expect(DOC).toMatch(new RegExp(`npx tsgi ${command}\\b`));
      expect(help).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  it("tsgi --version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await output(["--version"])).toEqual({ code: 0, text: `tsgi ${version}\n` });
    expect((await output(["-V"])).text).toBe(`tsgi ${version}\n`);
    expect(DOC).toContain("tsgi --version");
  });

  it("the help's factory example is quoted for the shell", async () => {
    const { text } = await output(["serve", "--help"]);
    expect(text).toContain("tsgi serve 'dist/app.js:createApp()'");
    expect(text).not.toMatch(/serve [^'\s]+:createApp\(\)/);
  });
});
