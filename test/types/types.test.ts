import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL("./.fixtures/", import.meta.url));
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

describe("type-level tests", () => {
  it("tsc rejects the mistyped handlers, each at its marked line", async () => {
    const source = readFileSync(fixtures + "wrong-handlers.ts", "utf8").split("\n");
    const expected = source.flatMap((line, index) => {
      const marker = /\/\/ expect (TS\d+)/.exec(line);
      return marker === null ? [] : [`${index + 1} ${marker[1]}`];
    });
    expect(expected.length).toBe(5);
    const result = await run(process.execPath, [tsc, "-p", fixtures + "tsconfig.json"], { cwd: fixtures }).then(
      () => ({ stdout: "", code: 0 }),
      (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }),
    );
    expect(result.code).not.toBe(0);
    const reported = [...result.stdout.matchAll(/wrong-handlers\.ts\((\d+),\d+\): error (TS\d+)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(reported.sort()).toEqual(expected.sort());
  }, 120_000);
});
