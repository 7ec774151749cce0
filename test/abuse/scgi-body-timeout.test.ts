// An SCGI request whose body stops short of CONTENT_LENGTH does not hold its connection forever.
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { memorySink, readBody } from "tsgi";
import { serveScgi } from "tsgi/scgi";
import { encodeScgiRequest } from "tsgi/protocol/scgi";
import { cgiParams } from "../support/cgi-response.js";

describe("SCGI body timeout", () => {
  it("aborts a request whose body stopped arriving, closes the connection and fires tsgi.signal", async () => {
    let aborted = false;
    const log = memorySink();
    const server = await serveScgi(async (env) => {
      env["tsgi.signal"].addEventListener("abort", () => { aborted = true; });
      await readBody(env);
      return { status: 200, headers: [], body: "complete" };
    }, { bind: "127.0.0.1:0", log, bodyTimeoutMs: 300 });
    try {
      const socket = connect(server.port as number, "127.0.0.1");
      socket.on("error", () => undefined);
      const closed = new Promise<number>((resolve) => { const started = Date.now(); socket.once("close", () => resolve(Date.now() - started)); });
      const whole = encodeScgiRequest(cgiParams("POST", "/", [], 100, server.port as number), Buffer.alloc(100, 98));
      socket.write(whole.subarray(0, whole.length - 90)); // CONTENT_LENGTH 100, then only 10 body bytes
      const took = await closed;
      expect(took).toBeLessThan(3000);
      expect(aborted).toBe(true);
      expect(log.lines.join("\n")).toMatch(/bodyTimeoutMs/);
      expect(server.inFlight).toBe(0);
    } finally {
      await server.close({ graceMs: 0 });
    }
  });

  it("refuses a bodyTimeoutMs that is not a whole number of milliseconds", async () => {
    await expect(serveScgi(() => ({ status: 200, headers: [] }), { bind: "127.0.0.1:0", bodyTimeoutMs: -1 })).rejects.toThrow(/bodyTimeoutMs/);
  });
});
