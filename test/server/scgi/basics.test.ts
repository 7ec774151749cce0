import { afterEach, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { lint } from "tsgi/lint";
import { serveScgi } from "tsgi/scgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../../src/server/types.js";
import sum from "../../../examples/sum/app.js";
import { cgiParams } from "../../support/cgi-response.js";
import { scgiFetch } from "../../support/scgi-client.js";

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
});
