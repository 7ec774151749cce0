// The examples served by tsgi's HTTP server under Bun and Deno: examples/sum's cases and Penny's whole
// scenario (test/examples/penny-cases.ts, with its SQLite on the runtime's driver) over real HTTP.
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/daemon.js";
import { fetchTransport, pennyCases } from "../examples/penny-cases.js";
import { haveRuntime, startUnder, type RuntimeName, type RuntimeServe } from "./host.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PASSWORD = "runtime-password";
const ENTRY = "test/runtimes/fixtures/serve-example.ts";

async function send(port: number, method: string, path: string, form?: Record<string, string>): Promise<{ status: number; type: string | null; allow: string | null; text: string }> {
  const init: RequestInit = { method, redirect: "manual" };
  if (form !== undefined) {
    init.body = new URLSearchParams(form);
    init.headers = { "content-type": "application/x-www-form-urlencoded" };
  }
  const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
  return { status: response.status, type: response.headers.get("content-type"), allow: response.headers.get("allow"), text: await response.text() };
}

for (const runtime of ["bun", "deno"] as RuntimeName[]) {
  describe.runIf(haveRuntime(runtime))(`examples/sum on ${runtime}`, () => {
    let server: RuntimeServe;
    beforeAll(async () => { server = await startUnder(runtime, ENTRY, { EXAMPLE: "sum" }); }, 60_000);
    afterAll(async () => { await server?.stop(); });

    it("adds a and b, says which operand is bad, refuses overflow, reads a form, answers 404 and 405", async () => {
      const sum = await send(server.port, "GET", "/sum?a=1&b=2");
      expect(sum).toMatchObject({ status: 200, text: "3" });
      expect(sum.type).toMatch(/^text\/plain/);
      const bad = await send(server.port, "GET", "/sum?a=x&b=2");
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('a must be a number; got "x"');
      expect((await send(server.port, "GET", "/sum?a=1")).text).toContain("b is missing");
      expect((await send(server.port, "GET", "/sum?a=1e308&b=1e308")).text).toContain("too large to represent");
      expect((await send(server.port, "POST", "/sum", { a: "1.5", b: "2" })).text).toBe("3.5");
      expect((await send(server.port, "GET", "/nope")).status).toBe(404);
      expect(await send(server.port, "PUT", "/sum?a=1&b=2")).toMatchObject({ status: 405, allow: "GET, HEAD, POST" });
      expect(server.stderr()).toBe("");
    });
  });

  describe.runIf(haveRuntime(runtime))(`Penny on ${runtime}`, () => {
    const dir = tempDir(`tsgi-penny-${runtime}-`);
    let server: RuntimeServe;
    beforeAll(async () => {
      server = await startUnder(runtime, ENTRY, { EXAMPLE: "penny", PENNY_DATA: join(dir.path, "data"), PENNY_PUBLIC: join(ROOT, "examples/penny/public"), PENNY_PASSWORD: PASSWORD });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      dir.remove();
    });
    pennyCases(() => fetchTransport(() => `http://127.0.0.1:${server.port}`), PASSWORD);
  });
}
