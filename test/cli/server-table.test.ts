// The one server table: every socket server starts from it with the same options and stops; unknown
// kinds are refused by type guard, and typed errors come out of it (a busy port is a ListenError).
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { memorySink } from "tsgi";
import { ListenError, isPlainError } from "../../src/server/errors.js";
import { SOCKET_SERVERS, isSocketServerKind, startSocketServer, type SocketServerKind } from "../../src/server/registry.js";

const app = () => ({ status: 200, headers: [["content-type", "text/plain"]] as Array<[string, string]>, body: "ok" });

describe("server table", () => {
  it("starts and stops every socket server with the shared options", async () => {
    for (const kind of Object.keys(SOCKET_SERVERS) as SocketServerKind[]) {
      const server = await startSocketServer(kind, app, { bind: "127.0.0.1:0", log: memorySink() });
      expect(server.url).toBe(`${SOCKET_SERVERS[kind].scheme}://127.0.0.1:${server.port}`);
      await server.close({ graceMs: 0 });
    }
    expect(Object.keys(SOCKET_SERVERS)).toEqual(["http", "fastcgi", "scgi"]);
  });

  it("knows its kinds", () => {
    expect(["http", "fastcgi", "scgi", "cgi", "gopher"].map(isSocketServerKind)).toEqual([true, true, true, false, false]);
  });

  it("a busy port is a ListenError meant for people, on every server", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      for (const kind of Object.keys(SOCKET_SERVERS) as SocketServerKind[]) {
        const error: unknown = await startSocketServer(kind, app, { bind: `127.0.0.1:${port}`, log: memorySink() }).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(ListenError);
        expect(isPlainError(error)).toBe(true);
        expect((error as ListenError).code).toBe("EADDRINUSE");
        expect((error as ListenError).message).toBe(`127.0.0.1:${port} is already in use: stop the other server or pick another --bind`);
      }
    } finally {
      busy.close();
    }
  });
});
