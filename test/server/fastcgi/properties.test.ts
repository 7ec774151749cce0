// Property: any request (params, body) cut at random points reaches the app intact through a live
// FastCGI or SCGI server.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { encodeScgiRequest } from "tsgi/protocol/scgi";
import { serveScgi } from "tsgi/scgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../../src/server/types.js";
import { parseCgiResponse } from "../../support/cgi-response.js";
import { FastCgiClient } from "../../support/fastcgi-client.js";
import { scgiExchange } from "../../support/scgi-client.js";

/** Echoes the X_* params it got and the body's hash. */
const echo: App = async (env) => {
  const hash = createHash("sha256");
  for await (const chunk of env["tsgi.input"]) hash.update(chunk);
  const seen = Object.entries(env).filter(([key]) => key.startsWith("X_")).sort(([a], [b]) => (a < b ? -1 : 1));
  return { status: 200, headers: [["content-type", "application/json"]], body: JSON.stringify({ seen, hash: hash.digest("hex") }) };
};

const name = fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"), minLength: 1, maxLength: 150 }).map((n) => `X_${n}`);
const value = fc.string({ unit: "grapheme", maxLength: 300 }).filter((v) => !v.includes("\0"));
const request = fc.record({
  pairs: fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 25 }),
  body: fc.uint8Array({ maxLength: 200_000 }),
  slice: fc.integer({ min: 1, max: 70_000 }),
});

function expected(pairs: Array<[string, string]>, body: Uint8Array): string {
  return JSON.stringify({ seen: [...pairs].sort(([a], [b]) => (a < b ? -1 : 1)), hash: createHash("sha256").update(body).digest("hex") });
}

function base(length: number): Array<[string, string]> {
  return [["REQUEST_METHOD", "POST"], ["SCRIPT_NAME", ""], ["PATH_INFO", "/"], ["SERVER_NAME", "localhost"], ["SERVER_PORT", "80"], ["CONTENT_LENGTH", String(length)]];
}

describe("random requests at random split points through live servers", () => {
  let fastcgi: RunningServer;
  let scgi: RunningServer;

  beforeAll(async () => {
    fastcgi = await serveFastCgi(echo, { bind: "127.0.0.1:0", log: memorySink() });
    scgi = await serveScgi(echo, { bind: "127.0.0.1:0", log: memorySink() });
  });

  afterAll(async () => {
    await fastcgi.close({ graceMs: 100 });
    await scgi.close({ graceMs: 100 });
  });

  it("FastCGI: params and body arrive intact", async () => {
    const client = await FastCgiClient.connect(fastcgi.port as number);
    let id = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ pairs, body, slice }) => {
        id++;
        const result = await client.request([...base(body.length), ...pairs], { id, body, slice });
        expect(parseCgiResponse(result.stdout).body.toString()).toBe(expected(pairs, body));
      }),
      { numRuns: 25 },
    );
    client.close();
  });

  it("SCGI: params and body arrive intact", async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ pairs, body, slice }) => {
        const bytes = encodeScgiRequest([...base(body.length).filter(([n]) => n !== "CONTENT_LENGTH"), ...pairs], body);
        const reply = parseCgiResponse(await scgiExchange(scgi.port as number, bytes, slice));
        expect(reply.body.toString()).toBe(expected(pairs, body));
      }),
      { numRuns: 25 },
    );
  });
});
