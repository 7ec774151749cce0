// Issue 12's harness for HTTP: every raw request of test/fixtures/http/ on its own connection to a live
// serveHttp gets the status the manifest names (or a clean close), and a good GET on a new connection is
// still served afterwards.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { memorySink } from "tsgi";
import { serveHttp } from "tsgi/http";
import { httpFetch, RawClient } from "../../server/http/client.js";
import type { HttpFixture } from "../../fixtures/http/generate.js";

const dir = new URL("../../fixtures/http/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as HttpFixture[];

const app: App = async (env) => {
  for await (const chunk of env["tsgi.input"]) void chunk;
  return { status: 200, headers: [["content-type", "text/plain"]], body: "fine" };
};
const server = await serveHttp(app, { bind: "127.0.0.1:0", log: memorySink() });
const port = server.port as number;
afterAll(() => server.close({ graceMs: 0 }));

/** Sends one fixture, half-closes, and returns the first status line's code or "close". */
async function answer(bytes: Buffer): Promise<number | "close" | "hang"> {
  const client = new RawClient(port);
  await new Promise<void>((resolve) => client.socket.once("connect", () => resolve()));
  client.socket.end(bytes);
  const closed = await client.untilClosed(4000);
  client.socket.destroy();
  const status = /^HTTP\/1\.[01] (\d{3}) /.exec(client.data);
  if (status) return Number(status[1]);
  return closed === -1 ? "hang" : "close";
}

describe("HTTP malformed-input corpus against serveHttp", () => {
  it("holds at least 200 inputs", () => {
    expect(manifest.length).toBeGreaterThanOrEqual(200);
  });

  // A known bug stays asserted strictly: it.fails turns red once the server is fixed, so the mark gets removed.
  const check = async (fixture: HttpFixture): Promise<void> => {
    const got = await answer(readFileSync(new URL(fixture.file, dir)));
    expect([fixture.expect, ...(fixture.alsoAccept ?? [])], `${fixture.description}: got ${got}`).toContain(got);
    const good = await httpFetch(port, "GET", "/");
    expect(good.body.toString()).toBe("fine");
  };
  for (const fixture of manifest) {
    if (fixture.knownBug) it.fails(`${fixture.file} (known bug: ${fixture.knownBug})`, () => check(fixture), 15000);
    else it.concurrent(fixture.file, () => check(fixture), 15000);
  }
});
