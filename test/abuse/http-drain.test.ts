// A draining server must not close idle keep-alive connections under clients that are just sending on
// them: a POST sent right after close() began is answered (with Connection: close), not reset.
import { describe, expect, it } from "vitest";
import { memorySink, readText, type App } from "tsgi";
import { serveHttp } from "tsgi/http";
import { RawClient } from "../server/http/client.js";

const echo: App = async (env) => ({ status: 200, headers: [["content-type", "text/plain"]], body: `got ${await readText(env)}` });

describe("HTTP drain", () => {
  it("answers a request sent on an idle keep-alive connection just after close() began", async () => {
    const server = await serveHttp(echo, { bind: "127.0.0.1:0", log: memorySink() });
    const client = new RawClient(server.port as number);
    client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na");
    while (!client.data.includes("got a")) await new Promise((resolve) => setTimeout(resolve, 10));
    const closing = server.close({ graceMs: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nb");
    await client.untilClosed(3000);
    expect(client.data).toMatch(/got a[\s\S]*HTTP\/1\.1 200 OK[\s\S]*[Cc]onnection: close[\s\S]*got b$/);
    await closing;
  });

  it("still closes idle connections by the keep-alive timeout, well inside the grace", async () => {
    const server = await serveHttp(echo, { bind: "127.0.0.1:0", log: memorySink(), keepAliveTimeoutMs: 300 });
    const client = new RawClient(server.port as number);
    client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na");
    while (!client.data.includes("got a")) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await server.close({ graceMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
