// A FastCGI peer that sends a whole request and then half-closes its side still reads the reply.
import { describe, expect, it } from "vitest";
import { memorySink } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { RecordType } from "tsgi/protocol/fastcgi";
import { cgiParams, parseCgiResponse } from "../support/cgi-response.js";
import { FastCgiClient } from "../support/fastcgi-client.js";

describe("FastCGI half-close", () => {
  it("answers a complete request whose peer half-closed right after sending it", async () => {
    const server = await serveFastCgi(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { status: 200, headers: [["content-type", "text/plain"]], body: "still here" };
    }, { bind: "127.0.0.1:0", log: memorySink() });
    try {
      const client = await FastCgiClient.connect(server.port as number);
      const closed = new Promise<void>((resolve) => client.socket.once("close", () => resolve()));
      client.socket.write(FastCgiClient.encodeRequest(cgiParams("GET", "/"), { id: 1 }));
      client.socket.end();
      await closed;
      const stdout = Buffer.concat(client.records.filter((r) => r.type === RecordType.STDOUT).map((r) => r.content));
      expect(client.records.some((r) => r.type === RecordType.END_REQUEST)).toBe(true);
      expect(parseCgiResponse(stdout).body.toString()).toBe("still here");
    } finally {
      await server.close({ graceMs: 0 });
    }
  });
});
