// Request lines of HTTP versions the server does not speak get a protocol answer, never a 200.
import { afterAll, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { serveHttp } from "tsgi/http";
import { memorySink } from "tsgi";
import { httpFetch, RawClient } from "../server/http/client.js";

const app: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "hello" });
const server = await serveHttp(app, { bind: "127.0.0.1:0", log: memorySink() });
const port = server.port as number;
afterAll(() => server.close({ graceMs: 0 }));

async function exchange(text: string): Promise<string> {
  const client = new RawClient(port);
  client.write(text);
  await client.untilClosed(3000);
  client.socket.destroy();
  return client.data;
}

describe("HTTP versions", () => {
  it("answers an HTTP/2.0 request line 505", async () => {
    expect(await exchange("GET / HTTP/2.0\r\nHost: x\r\n\r\n")).toMatch(/^HTTP\/1\.1 505 HTTP Version Not Supported\r\n/);
  });

  it("answers HTTP/3.0 and HTTP/0.9 (no version) with 400 or 505, never 200", async () => {
    expect(await exchange("GET / HTTP/3.0\r\nHost: x\r\n\r\n")).toMatch(/^HTTP\/1\.1 (400|505) /);
    expect(await exchange("GET /\r\n\r\n")).not.toMatch(/ 200 /);
  });

  it("still serves HTTP/1.0 and HTTP/1.1, and the next client after a refused one", async () => {
    expect(await exchange("GET / HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*hello$/);
    expect((await httpFetch(port, "GET", "/")).body.toString()).toBe("hello");
  });
});
