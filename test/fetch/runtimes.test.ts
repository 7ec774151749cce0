// toFetchHandler under the runtimes' own servers (Deno.serve, Bun.serve) on 127.0.0.1: tsgi.signal fires
// for a client that goes away and never for a completed request (Deno aborts request.signal after every
// response), the runtime's connection info reaches the env, and the reply rules hold.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { abandonBeforeReply, abandonMidReply, get, haveRuntime, rawBody, startRuntimeServer, type RuntimeName, type RuntimeServer } from "./runtime-host.js";

async function report(port: number): Promise<Record<string, boolean>> {
  return JSON.parse((await get(port, "/report")).body) as Record<string, boolean>;
}

// Deno by default (it aborts request.signal after each response), Deno with that turned off, and Bun.
const RUNTIMES: Array<{ name: RuntimeName; flags: string[] }> = [
  { name: "deno", flags: [] },
  { name: "deno", flags: ["--unstable-no-legacy-abort"] },
  { name: "bun", flags: [] },
];

for (const { name, flags } of RUNTIMES) {
  describe.runIf(haveRuntime(name))(`toFetchHandler on ${[name, ...flags].join(" ")}`, () => {
    let server: RuntimeServer;
    beforeAll(async () => { server = await startRuntimeServer(name, flags); });
    afterAll(async () => { await server?.stop(); });

    it("fires tsgi.signal for the requests the client abandoned, never for completed ones", async () => {
      expect(await get(server.port, "/whole?id=whole")).toMatchObject({ status: 200, body: "whole" });
      expect(await get(server.port, "/stream?id=stream")).toMatchObject({ status: 200, body: "one,two" });
      await abandonBeforeReply(server.port, "/slow?id=slow", 150);
      expect(await abandonMidReply(server.port, "/endless?id=endless", 16)).toBe(200);
      const deadline = Date.now() + 3_000;
      let seen = await report(server.port);
      while ((seen.slow !== true || seen.endless !== true) && Date.now() < deadline) {
        await sleep(50);
        seen = await report(server.port);
      }
      // Time for a late abort of the completed requests (Deno's comes just after each response).
      await sleep(300);
      expect(await report(server.port)).toEqual({ whole: false, stream: false, slow: true, endless: true });
    });

    it("answers HEAD with GET's headers, content-length included, and no body", async () => {
      const reply = await get(server.port, "/whole?id=head", "HEAD");
      expect(reply.status).toBe(200);
      expect(reply.headers["content-length"]).toBe("5");
      expect(reply.body).toBe("");
    });

    it("cuts a reply short when its stream fails after it started, logs one line, and goes on serving", async () => {
      const outcome = await get(server.port, "/fail-midway").catch((error: Error) => error);
      expect(outcome).toBeInstanceOf(Error);
      await sleep(50);
      expect(server.stderr().split("\n").filter((line) => line.includes("/fail-midway"))).toHaveLength(1);
      expect(await get(server.port, "/whole?id=after-cut")).toMatchObject({ status: 200, body: "whole" });
    });

    it("passes a request body in as tsgi.input", async () => {
      expect(await get(server.port, "/echo", "POST", "payload \u00e9")).toMatchObject({ status: 200, body: "POST 10 payload \u00c3\u00a9" });
    });

    it("sends a Latin-1 header value as one byte per character, as every tsgi server does", async () => {
      const reply = await get(server.port, "/latin1-header");
      expect(reply.status).toBe(200);
      expect(reply.headers["x-word"]).toBe("caf\u00e9 \u00ff\u0080");
    });

    it(`answers an HTTP/1.0 request without Host ${name === "bun" ? "with the server's own address and no HTTP_HOST" : "with the address in Deno's URL (localhost and the port)"}`, async () => {
      const seen = JSON.parse(await rawBody(server.port, "GET /no-host HTTP/1.0\r\n\r\n")) as { name: string; port: string; host: string | null };
      if (name === "bun") expect(seen).toEqual({ name: "127.0.0.1", port: String(server.port), host: null });
      else expect(seen).toEqual({ name: "localhost", port: String(server.port), host: `localhost:${server.port}` });
    });

    it("takes REMOTE_ADDR and REMOTE_PORT from the runtime's second handler argument", async () => {
      const seen = JSON.parse((await get(server.port, "/env")).body) as { addr: string; port: string | null; host: string };
      expect(seen.addr).toBe("127.0.0.1");
      expect(Number(seen.port)).toBeGreaterThan(0);
      expect(seen.host).toBe("127.0.0.1");
    });

    it("answers a header value that would split the reply with the one 500, and logs one line naming it", async () => {
      const reply = await get(server.port, "/bad-header");
      expect(reply.status).toBe(500);
      expect(reply.body).toBe("Internal Server Error\n");
      expect(reply.headers["set-cookie"]).toBeUndefined();
      expect(reply.headers.location).toBeUndefined();
      await sleep(50);
      const lines = server.stderr().split("\n").filter((line) => line.includes("/bad-header"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("header location");
    });

    // Last: it stops the server. Deno's shutdown() lets in-flight requests finish; Bun's stop(true) aborts them.
    it(`on shutdown, ${name === "bun" ? "fires tsgi.signal of a request in flight" : "lets a request in flight finish without firing tsgi.signal"}`, async () => {
      const pending = get(server.port, "/slow?id=shutdown&cap=800").catch((error: Error) => error);
      await sleep(150);
      expect((await get(server.port, "/shutdown")).body).toBe("stopping");
      const outcome = await pending;
      await Promise.race([server.exited(), sleep(3_000)]);
      if (name === "bun") {
        expect(outcome).toBeInstanceOf(Error);
        expect(server.stdout()).toContain('{"fired":"shutdown"}');
      } else {
        expect(outcome).toMatchObject({ status: 200, body: "too late" });
        expect(server.stdout()).not.toContain('{"fired":"shutdown"}');
      }
    });
  });
}
