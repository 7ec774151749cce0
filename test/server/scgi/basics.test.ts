import { afterEach, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { lint } from "tsgi/lint";
import { serveScgi } from "tsgi/scgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../../src/server/types.js";
import sum from "../../../examples/sum/app.js";
import { cgiParams, parseCgiResponse } from "../../support/cgi-response.js";
import { readAll, scgiConnect, scgiFetch } from "../../support/scgi-client.js";
import { encodeScgiRequest } from "tsgi/protocol/scgi";

let server: RunningServer | undefined;

async function start(app: App): Promise<number> {
  server = await serveScgi(lint()(app), { bind: "127.0.0.1:0", log: memorySink() });
  return server.port as number;
}

afterEach(async () => {
  await server?.close({ graceMs: 100 });
  server = undefined;
});

describe("SCGI server basics", () => {
  it("answers the sum example and closes", async () => {
    const port = await start(sum);
    const reply = await scgiFetch(port, cgiParams("GET", "/sum?a=1&b=2"));
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe("3");
  });

  it("reads a POST body", async () => {
    const port = await start(sum);
    const body = Buffer.from("a=2&b=5");
    const reply = await scgiFetch(port, cgiParams("POST", "/sum", { "content-type": "application/x-www-form-urlencoded" }), body, 3);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe("7");
  });

  it("serves a request whose header arrives after close() began, within the grace period", async () => {
    const port = await start(sum);
    const socket = await scgiConnect(port);
    const closing = (server as RunningServer).close({ graceMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reply = readAll(socket);
    socket.end(encodeScgiRequest(cgiParams("GET", "/sum?a=2&b=3").filter(([name]) => name !== "CONTENT_LENGTH")));
    const parsed = parseCgiResponse(await reply);
    expect(parsed.status).toBe(200);
    expect(parsed.body.toString()).toBe("5");
    await closing;
    server = undefined;
  });
});
