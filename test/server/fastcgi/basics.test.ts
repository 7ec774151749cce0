import { afterEach, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { lint } from "tsgi/lint";
import { serveFastCgi } from "tsgi/fastcgi";
import { RecordType } from "tsgi/protocol/fastcgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../../src/server/types.js";
import sum from "../../../examples/sum/app.js";
import { cgiParams } from "../../support/cgi-response.js";
import { FastCgiClient, fastCgiFetch, framingProblems, wireRecords } from "../../support/fastcgi-client.js";

let server: RunningServer | undefined;
const clients: FastCgiClient[] = [];

async function start(app: App, options: Parameters<typeof serveFastCgi>[1] = {}): Promise<number> {
  server = await serveFastCgi(lint()(app), { bind: "127.0.0.1:0", log: memorySink(), ...options });
  return server.port as number;
}

async function client(port: number): Promise<FastCgiClient> {
  const c = await FastCgiClient.connect(port);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close({ graceMs: 100 });
  server = undefined;
});

describe("FastCGI server basics", () => {
  it("answers the sum example", async () => {
    const port = await start(sum);
    const c = await client(port);
    const reply = await fastCgiFetch(c, cgiParams("GET", "/sum?a=1&b=2"));
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe("3");
    expect(reply.appStatus).toBe(0);
    expect(reply.protocolStatus).toBe(0);
    expect(framingProblems(reply.records)).toEqual([]);
  });

  it("pads every record to a multiple of 8 and keeps records at most 65535 bytes", async () => {
    const big = Buffer.alloc(200_000, 0x61);
    const port = await start(() => ({ status: 200, headers: [["content-type", "text/plain"]], body: [big.subarray(0, 70_001), big.subarray(70_001)] }));
    const c = await client(port);
    const reply = await fastCgiFetch(c, cgiParams("GET", "/big"));
    expect(reply.body.equals(big)).toBe(true);
    const wire = wireRecords(Buffer.concat(c.received));
    for (const r of wire) {
      expect((r.length + r.padding) % 8).toBe(0);
      expect(r.length).toBeLessThanOrEqual(65535);
    }
    expect(wire.filter((r) => r.type === RecordType.STDOUT && r.length === 0)).toHaveLength(1);
    expect(wire[wire.length - 1]?.type).toBe(RecordType.END_REQUEST);
  });

  it("keeps the gateway keys and FCGI_ROLE its own when the web server sends params of the same names", async () => {
    let seen: Record<string, unknown> = {};
    const port = await start((env) => {
      seen = {
        input: typeof env["tsgi.input"], version: env["tsgi.version"], role: env.FCGI_ROLE, proxy: env.HTTP_PROXY,
        scheme: env["tsgi.url_scheme"], server: env.SERVER_NAME, aborted: env["tsgi.signal"].aborted,
      };
      return { status: 200, headers: [["content-type", "text/plain"]], body: "ok" };
    });
    const c = await client(port);
    const params = cgiParams("GET", "/", { Host: "example.test:8443", Proxy: "http://evil" }).filter(([name]) => name !== "SERVER_NAME");
    params.push(["tsgi.input", "forged"], ["tsgi.version", "0"], ["tsgi.signal", "x"], ["FCGI_ROLE", "FILTER"], ["HTTPS", "ON"]);
    const reply = await fastCgiFetch(c, params);
    expect(reply.status).toBe(200);
    expect(seen).toEqual({ input: "object", version: [1, 0], role: "RESPONDER", proxy: undefined, scheme: "https", server: "example.test", aborted: false });
  });
});
