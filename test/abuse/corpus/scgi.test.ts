// Issue 12's harness for SCGI: every input of test/fixtures/scgi/ sent whole (then a half-close) to a live
// serveScgi on its own connection gets a protocol answer — 200 for a header that parses, 400 for one that is
// refused, a clean close for one cut short — and a good request on a new connection is served afterwards.
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { memorySink, readBody, type App } from "tsgi";
import { serveScgi } from "tsgi/scgi";
import { encodeScgiRequest } from "tsgi/protocol/scgi";
import { cgiParams, parseCgiResponse } from "../../support/cgi-response.js";

interface Fixture {
  file: string;
  description: string;
  expect: "ok" | "incomplete" | "error";
  limits?: { maxHeaderBytes?: number; maxParams?: number };
}

const dir = new URL("../../fixtures/scgi/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as Fixture[];
const app: App = async (env) => {
  await readBody(env);
  return { status: 200, headers: [["content-type", "text/plain"]], body: "fine" };
};

const servers = new Map<string, Awaited<ReturnType<typeof serveScgi>>>();
async function serverFor(limits: Fixture["limits"]): Promise<number> {
  const key = JSON.stringify(limits ?? {});
  let server = servers.get(key);
  if (server === undefined) {
    server = await serveScgi(app, { bind: "127.0.0.1:0", log: memorySink(), headerTimeoutMs: 2000, bodyTimeoutMs: 2000, ...limits });
    servers.set(key, server);
  }
  return server.port as number;
}
afterAll(async () => { await Promise.all([...servers.values()].map((server) => server.close({ graceMs: 0 }))); });

/** Sends bytes, half-closes, and collects everything until the server closes (or 5 s pass: "hang"). */
function exchange(port: number, bytes: Buffer): Promise<{ data: Buffer; hung: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); resolve({ data: Buffer.concat(chunks), hung: true }); }, 5000);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => { clearTimeout(timer); resolve({ data: Buffer.concat(chunks), hung: false }); });
    socket.end(bytes);
  });
}

describe("SCGI corpus against a live serveScgi", () => {
  for (const fixture of manifest) {
    it.concurrent(`${fixture.file}: ${fixture.description}`, async () => {
      const port = await serverFor(fixture.limits);
      const { data, hung } = await exchange(port, readFileSync(new URL(fixture.file, dir)));
      expect(hung).toBe(false);
      if (fixture.expect === "ok") expect(parseCgiResponse(data).status).toBe(200);
      if (fixture.expect === "error") expect(parseCgiResponse(data).status).toBe(400);
      if (fixture.expect === "incomplete") expect(data.length === 0 || parseCgiResponse(data).status === 400).toBe(true);
      // The good request fits the smallest limits in the manifest (64 header bytes, 10 pairs).
      const params: Array<[string, string]> = fixture.limits === undefined ? cgiParams("GET", "/", [], 0, port) : [["CONTENT_LENGTH", "0"], ["SCGI", "1"], ["REQUEST_METHOD", "GET"]];
      const good = await exchange(port, encodeScgiRequest(params, Buffer.alloc(0)));
      expect(parseCgiResponse(good.data).body.toString()).toBe("fine");
    }, 15000);
  }
});
