// The reply writer hands the app's header pairs to node:http as they are; these cases pin down what that must keep.
import { afterEach, describe, expect, it } from "vitest";
import { memorySink, type App, type HeaderList } from "tsgi";
import { serveHttp } from "tsgi/http";
import { lint } from "tsgi/lint";
import type { RunningServer } from "tsgi/server";
import { httpFetch, RawClient } from "./client.js";

const running: RunningServer[] = [];

async function start(app: App): Promise<{ port: number; log: ReturnType<typeof memorySink> }> {
  const log = memorySink();
  const server = await serveHttp(app, { bind: "127.0.0.1:0", log });
  running.push(server);
  return { port: server.port as number, log };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close({ graceMs: 0 })));
});

describe("HTTP server reply headers", () => {
  it("never changes the app's header list, even one shared by every reply", async () => {
    const shared: HeaderList = [["content-type", "text/plain"], ["x-a", "1"]];
    const { port } = await start(lint()(() => ({ status: 200, headers: shared, body: "héllo" })));
    for (let i = 0; i < 3; i++) {
      const reply = await httpFetch(port, "GET", "/");
      expect(reply.body.toString()).toBe("héllo");
      expect(reply.headers.filter(([name]) => name.toLowerCase() === "content-length")).toEqual([["content-length", "6"]]);
    }
    expect(shared).toEqual([["content-type", "text/plain"], ["x-a", "1"]]);
  });

  it("sends the app's own content-length once, spelled as the app spelled it", async () => {
    const { port } = await start(lint()(() => ({ status: 200, headers: [["Content-Length", "2"], ["content-type", "text/plain"]], body: "ok" })));
    const reply = await httpFetch(port, "GET", "/");
    expect(reply.headers.filter(([name]) => name.toLowerCase() === "content-length")).toEqual([["Content-Length", "2"]]);
    expect(reply.body.toString()).toBe("ok");
  });

  // Bare (no lint): lint would refuse these replies itself, and the server must hold without it.
  it("answers 500 instead of sending a header value that would inject another header, and keeps serving", async () => {
    const { port, log } = await start((env) => env.PATH_INFO === "/evil"
      ? { status: 200, headers: [["x-a", "1\r\nx-evil: yes"]], body: "no" }
      : { status: 200, headers: [], body: "fine" });
    const client = new RawClient(port);
    client.write("GET /evil HTTP/1.1\r\nHost: x\r\n\r\n");
    const text = await client.until(/\r\n\r\n[\s\S]*\n/);
    client.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(text.toLowerCase()).not.toContain("x-evil");
    expect(log.lines.join("\n")).toMatch(/the reply is invalid: header x-a: its value holds CR/);
    expect((await httpFetch(port, "GET", "/")).body.toString()).toBe("fine");
  });

  it("answers 500 for an invalid header name", async () => {
    const { port } = await start(() => ({ status: 200, headers: [["bad name", "1"]], body: "no" }));
    expect((await httpFetch(port, "GET", "/")).status).toBe(500);
  });
});
