// Issue 12's harness for CGI: every variable set of test/fixtures/cgi/ run through runCgi in-process (as a web
// server would drive a script) writes the status the manifest names, nothing a variable carried becomes a
// header line, and the runner returns within the time limit.
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { runCgi } from "tsgi/cgi";
import { cgiVariables, parseCgiOutput } from "../../server/cgi/harness.js";
import type { CgiFixture } from "../../fixtures/cgi/generate.js";

const manifest = JSON.parse(readFileSync(new URL("../../fixtures/cgi/manifest.json", import.meta.url), "utf8")) as CgiFixture[];

const echo: App = async (env) => {
  let bytes = 0;
  for await (const chunk of env["tsgi.input"]) bytes += chunk.byteLength;
  const proxy = env.HTTP_PROXY === undefined ? "none" : String(env.HTTP_PROXY);
  return { status: 200, headers: [["content-type", "text/plain"]], body: `read=${bytes} proxy=${proxy} path=${String(env.PATH_INFO).slice(0, 100)}` };
};

function variables(fixture: CgiFixture): Record<string, string> {
  const vars = cgiVariables("GET", "/", [], undefined);
  for (const [name, value] of Object.entries(fixture.set)) {
    if (value === null) delete vars[name];
    else vars[name] = typeof value === "string" ? value : (value.prefix ?? "") + value.unit.repeat(value.times);
  }
  if (fixture.many) for (let i = 0; i < fixture.many.count; i++) vars[`${fixture.many.prefix}${i}`] = fixture.many.value;
  return vars;
}

async function run(fixture: CgiFixture): Promise<{ status: number; head: string; body: string }> {
  const chunks: Buffer[] = [];
  const stdout = new Writable({ write(chunk: Buffer, _encoding, callback) { chunks.push(chunk); callback(); } });
  const stdin = Readable.from(fixture.body === undefined ? [] : [Buffer.from(fixture.body)]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"hang">((resolve) => { timer = setTimeout(() => resolve("hang"), 5000); });
  const done = await Promise.race([runCgi(echo, { env: variables(fixture), stdin, stdout, stderr: { write: () => true }, signals: new EventEmitter(), exit: false }), timeout]);
  clearTimeout(timer);
  expect(done, "runCgi did not return within 5 s").not.toBe("hang");
  const output = Buffer.concat(chunks);
  const reply = parseCgiOutput(output);
  return { status: reply.status, head: output.subarray(0, output.indexOf("\r\n\r\n")).toString("latin1"), body: reply.body.toString("latin1") };
}

describe("CGI variable corpus through runCgi", () => {
  it("holds at least 60 variable sets", () => {
    expect(manifest.length).toBeGreaterThanOrEqual(60);
  });

  for (const fixture of manifest) {
    it(`${fixture.name}: ${fixture.description}`, async () => {
      const reply = await run(fixture);
      expect(reply.status).toBe(fixture.expect);
      expect(reply.head).not.toMatch(/X-Injected|Set-Cookie/i);
      if (fixture.bodyContains !== undefined) expect(reply.body).toContain(fixture.bodyContains);
      if (fixture.bodyLacks !== undefined) expect(reply.body).not.toContain(fixture.bodyLacks);
    }, 15000);
  }
});
