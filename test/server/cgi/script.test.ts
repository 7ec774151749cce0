// The committed examples/sum/cgi-bin/sum.cgi run as a web server runs it: a fresh process with a
// clean environment per request.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleCgi } from "../../../src/cli/bundle-command.js";
import { tempDir } from "../../support/daemon.js";
import { parseCgiOutput } from "./harness.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const SCRIPT = join(ROOT, "examples/sum/cgi-bin/sum.cgi");

function runScript(vars: Record<string, string>, stdin?: string, stdinOpenMs = 0): Promise<{ code: number | null; out: Buffer; err: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(SCRIPT, [], {
      env: { PATH: `${process.execPath.replace(/\/node$/, "")}:/usr/bin:/bin`, GATEWAY_INTERFACE: "CGI/1.1", SERVER_NAME: "127.0.0.1", SERVER_PORT: "80", SERVER_PROTOCOL: "HTTP/1.1", REMOTE_ADDR: "127.0.0.1", SCRIPT_NAME: "/cgi-bin/sum.cgi", ...vars },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    child.on("close", (code) => resolvePromise({ code, out: Buffer.concat(out), err }));
    if (stdin !== undefined) child.stdin.write(stdin);
    setTimeout(() => child.stdin.end(), stdinOpenMs);
  });
}

describe("examples/sum/cgi-bin/sum.cgi", () => {
  it("is exactly what `tsgi bundle` makes from examples/sum/app.ts today (rebuild it when this fails)", async () => {
    const temp = tempDir();
    try {
      const out = join(temp.path, "sum.cgi");
      await bundleCgi({ spec: "examples/sum/app.ts", out, conditions: ["tsgi-source"], cwd: ROOT });
      expect(readFileSync(SCRIPT, "utf8"), "run: node dist/cli.js bundle examples/sum/app.ts -o examples/sum/cgi-bin/sum.cgi --conditions tsgi-source")
        .toBe(readFileSync(out, "utf8"));
    } finally {
      temp.remove();
    }
  });

  it("answers GET /sum?a=1&b=2 with a Status line, headers and 3", async () => {
    const { code, out } = await runScript({ REQUEST_METHOD: "GET", PATH_INFO: "/sum", QUERY_STRING: "a=1&b=2" });
    expect(code).toBe(0);
    expect(out.toString()).toBe("Status: 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 1\r\n\r\n3");
  });

  it("reads exactly CONTENT_LENGTH bytes of a POST body, even when more follow", async () => {
    const { out } = await runScript({ REQUEST_METHOD: "POST", PATH_INFO: "/sum", CONTENT_TYPE: "application/x-www-form-urlencoded", CONTENT_LENGTH: "7" }, "a=5&b=6&a=999", 5000);
    const reply = parseCgiOutput(out);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe("11");
  });

  it("answers a short body with a 400 instead of waiting for bytes that will not come", async () => {
    const started = Date.now();
    const { out } = await runScript({ REQUEST_METHOD: "POST", PATH_INFO: "/sum", CONTENT_TYPE: "application/x-www-form-urlencoded", CONTENT_LENGTH: "100" }, "a=1&b=2");
    const reply = parseCgiOutput(out);
    expect(reply.status).toBe(400);
    expect(reply.body.toString()).toContain("ended after 7 of 100 bytes");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("says which operand is bad, and answers HEAD without a body", async () => {
    const bad = parseCgiOutput((await runScript({ REQUEST_METHOD: "GET", PATH_INFO: "/sum", QUERY_STRING: "a=1&b=two" })).out);
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toBe('b must be a number; got "two"\n');
    const head = parseCgiOutput((await runScript({ REQUEST_METHOD: "HEAD", PATH_INFO: "/sum", QUERY_STRING: "a=1&b=2" })).out);
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
  });

  it("writes a reply larger than the pipe buffer intact to a reader that is slow to start", async () => {
    const temp = tempDir();
    try {
      const script = join(temp.path, "big.cgi");
      await bundleCgi({ spec: "test/server/cgi/fixtures/big.ts", out: script, conditions: ["tsgi-source"], cwd: ROOT });
      const child = spawn(script, [], { env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, GATEWAY_INTERFACE: "CGI/1.1", REQUEST_METHOD: "GET" }, stdio: ["ignore", "pipe", "inherit"] });
      child.stdout.pause();
      await new Promise((r) => setTimeout(r, 300));
      const chunks: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
      child.stdout.resume();
      const code = await new Promise((r) => child.on("close", r));
      const reply = parseCgiOutput(Buffer.concat(chunks));
      expect(code).toBe(0);
      expect(reply.status).toBe(200);
      expect(reply.body.byteLength).toBe(64 * 16 * 4096);
      expect(reply.body.subarray(-16).toString()).toBe("0123456789abcdef");
    } finally {
      temp.remove();
    }
  });

  it("treats a query string that looks like an option as a query, never as arguments (CVE-2012-1823)", async () => {
    const { out } = await runScript({ REQUEST_METHOD: "GET", PATH_INFO: "/sum", QUERY_STRING: "-s&a=1&b=1" });
    expect(parseCgiOutput(out).body.toString()).toBe("2");
  });
});
