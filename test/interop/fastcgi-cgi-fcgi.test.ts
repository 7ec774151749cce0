// libfcgi's own client (cgi-fcgi from libfcgi-bin) → tsgi FastCGI: an independent implementation of the
// protocol's client side, sending the CGI environment and stdin of a real process.
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFastCgi } from "tsgi/fastcgi";
import { lint } from "tsgi/lint";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../src/server/types.js";
import { findBinary, haveBinaries } from "../support/daemon.js";
import { parseCgiResponse } from "../support/cgi-response.js";
import app from "../support/fcgi-interop-app.js";

function cgiFcgi(port: number, env: Record<string, string>, stdin = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(findBinary("cgi-fcgi") ?? "cgi-fcgi", ["-bind", "-connect", `127.0.0.1:${port}`], {
      env: { PATH: process.env.PATH ?? "", SERVER_NAME: "localhost", SERVER_PORT: "80", SERVER_PROTOCOL: "HTTP/1.1", GATEWAY_INTERFACE: "CGI/1.1", REMOTE_ADDR: "127.0.0.1", SCRIPT_NAME: "", HTTP_HOST: "localhost", ...env },
      encoding: "latin1",
      timeout: 10_000,
    }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin?.end(stdin);
  });
}

describe.skipIf(!haveBinaries("cgi-fcgi"))("libfcgi cgi-fcgi → FastCGI", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await serveFastCgi(lint()(app), { bind: "127.0.0.1:0", log: memorySink() });
  });

  afterAll(async () => {
    await server?.close({ graceMs: 500 });
  });

  it("answers /sum?a=1&b=2 with 3", async () => {
    const out = parseCgiResponse(Buffer.from(await cgiFcgi(server.port as number, { REQUEST_METHOD: "GET", PATH_INFO: "/sum", QUERY_STRING: "a=1&b=2", REQUEST_URI: "/sum?a=1&b=2" }), "latin1"));
    expect(out.status).toBe(200);
    expect(out.body.toString()).toBe("3");
  });

  it("sends stdin as the request body", async () => {
    const body = "a=40&b=2";
    const out = parseCgiResponse(Buffer.from(await cgiFcgi(server.port as number, {
      REQUEST_METHOD: "POST", PATH_INFO: "/sum", QUERY_STRING: "", CONTENT_TYPE: "application/x-www-form-urlencoded", CONTENT_LENGTH: String(body.length),
    }, body), "latin1"));
    expect(out.body.toString()).toBe("42");
  });
});
