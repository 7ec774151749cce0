// The CGI runner refuses what a web server (or a client through it) should never have sent, and a
// web server's SIGTERM ends a script that ignores its signal within the grace period.
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { resolve } from "node:path";
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { runCgi } from "tsgi/cgi";
import { cgiVariables, parseCgiOutput } from "../server/cgi/harness.js";

async function run(app: App, env: Record<string, string>, body = ""): Promise<{ status: number; body: string; code: number }> {
  const chunks: Buffer[] = [];
  const stdout = new Writable({ write(chunk: Buffer, _encoding, callback) { chunks.push(chunk); callback(); } });
  const code = await runCgi(app, { env, stdin: Readable.from([Buffer.from(body)]), stdout, stderr: { write: () => true }, signals: new EventEmitter(), exit: false });
  const reply = parseCgiOutput(Buffer.concat(chunks));
  return { status: reply.status, body: reply.body.toString(), code };
}

const echoLength: App = async (env) => {
  let bytes = 0;
  for await (const chunk of env["tsgi.input"]) bytes += chunk.byteLength;
  return { status: 200, headers: [], body: `read ${bytes}` };
};

describe("CGI runner input checks", () => {
  for (const length of [" 7", "1e1", "0x5", "+5", "5 ", "-1", "5.0"]) {
    it(`refuses CONTENT_LENGTH ${JSON.stringify(length)} with 400 before the app runs`, async () => {
      const env = { ...cgiVariables("POST", "/", [], undefined), CONTENT_LENGTH: length };
      const reply = await run(echoLength, env, "hello world");
      expect(reply.status).toBe(400);
      expect(reply.body).toMatch(/CONTENT_LENGTH .* is not a decimal number/);
    });
  }

  it("still reads exactly a decimal CONTENT_LENGTH", async () => {
    const reply = await run(echoLength, { ...cgiVariables("POST", "/", [], undefined), CONTENT_LENGTH: "5" }, "hello world");
    expect([reply.status, reply.body]).toEqual([200, "read 5"]);
  });

  it("reads a chunked body passed through without CONTENT_LENGTH (Apache mod_cgi) to the end of stdin", async () => {
    const env = { ...cgiVariables("POST", "/", [["Transfer-Encoding", "chunked"]], undefined) };
    const reply = await run(echoLength, env, "twelve bytes");
    expect([reply.status, reply.body]).toEqual([200, "read 12"]);
  });

  it("deletes HTTP_PROXY from process.env before the app runs (httpoxy)", async () => {
    process.env.HTTP_PROXY = "http://evil.example:3128";
    try {
      const chunks: Buffer[] = [];
      const stdout = new Writable({ write(chunk: Buffer, _encoding, callback) { chunks.push(chunk); callback(); } });
      const saved = { ...process.env };
      Object.assign(process.env, cgiVariables("GET", "/", [], undefined));
      await runCgi(() => ({ status: 200, headers: [], body: String(process.env.HTTP_PROXY) }), { stdout, stderr: { write: () => true }, signals: new EventEmitter(), exit: false });
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      expect(parseCgiOutput(Buffer.concat(chunks)).body.toString()).toBe("undefined");
    } finally {
      delete process.env.HTTP_PROXY;
    }
  });
});

describe("CGI runner and SIGTERM", () => {
  it("ends a script whose app sleeps through SIGTERM within the grace period", async () => {
    const script = resolve(import.meta.dirname, "fixtures/cgi-sleeper.ts");
    const child = spawn(process.execPath, ["--import", "tsx/esm", script], {
      env: { ...process.env, ...cgiVariables("GET", "/", [], undefined) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((done) => child.stderr.on("data", (chunk: Buffer) => { if (chunk.toString().includes("sleeping")) done(); }));
    const started = Date.now();
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 8000);
    const code = await exited;
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(code).toBe(143);
  }, 20_000);
});
