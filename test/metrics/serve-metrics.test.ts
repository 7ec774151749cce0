// `tsgi serve --metrics-path` on one process, run as users run it (node dist/cli.js; npm run build first):
// the scrape is parsed by a real Prometheus parser; a bad path is refused before anything starts.
import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { listenBacklog } from "../../src/server/pool/worker-metrics.js";
import { freePort } from "../support/daemon.js";
import { APP, CLI, HAVE_DIST, requests, scrape, send, tsgi, type Served } from "./support.js";

const running: Served[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function serve(args: string[]): Promise<number> {
  const port = await freePort();
  const served = tsgi(["serve", APP, "--bind", `127.0.0.1:${port}`, "--no-access-log", ...args]);
  running.push(served);
  await served.waitFor(/serving/);
  return port;
}

describe.runIf(HAVE_DIST)("tsgi serve --metrics-path (one process, node dist/cli.js)", () => {
  it("answers the scrape with the requests by method and status, in flight and the duration histogram", async () => {
    const port = await serve(["--metrics-path", "/metrics"]);
    for (let i = 0; i < 3; i++) expect((await send(port, "/")).status).toBe(200);
    expect((await send(port, "/missing")).status).toBe(404);
    expect((await send(port, "/", "POST")).status).toBe(200);
    const slow = send(port, "/slow");
    await new Promise((r) => setTimeout(r, 100));

    const reply = await send(port, "/metrics");
    expect(reply.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const page = await scrape(port);
    expect(requests(page)).toEqual({ "GET 2xx": 3, "GET 4xx": 1, "POST 2xx": 1 });
    expect(Number(page.tsgi_requests_in_flight!.metrics[0]!.value)).toBe(1);
    expect(page.tsgi_request_duration_seconds!.type).toBe("HISTOGRAM");
    expect(Number(page.tsgi_request_duration_seconds!.metrics[0]!.count)).toBe(5);
    expect((await slow).status).toBe(200);
    const after = await scrape(port);
    expect(Number(after.tsgi_requests_in_flight!.metrics[0]!.value)).toBe(0);
    expect(Number(after.tsgi_request_duration_seconds!.metrics[0]!.count)).toBe(6);
    expect(Number(after.tsgi_request_duration_seconds!.metrics[0]!.buckets!["0.25"])).toBe(5);
    expect((await send(port, "/metrics", "HEAD")).body).toBe("");
    expect((await send(port, "/metrics", "POST")).status).toBe(405);
  }, 30_000);

  it("leaves the app alone without the flag: the path is the app's", async () => {
    const port = await serve([]);
    expect(await send(port, "/metrics")).toMatchObject({ status: 200, body: "hello\n" });
  }, 30_000);

  it("under CGI answers the path from the one process (whose counts are its own: none)", async () => {
    const cgi = spawn(process.execPath, [CLI, "serve", APP, "--metrics-path", "/metrics"], {
      env: { PATH: process.env.PATH ?? "", GATEWAY_INTERFACE: "CGI/1.1", REQUEST_METHOD: "GET", PATH_INFO: "/metrics", QUERY_STRING: "", SERVER_PROTOCOL: "HTTP/1.1", SERVER_NAME: "localhost", SERVER_PORT: "80" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    cgi.stdout.on("data", (chunk: Buffer) => { out += chunk.toString(); });
    expect(await new Promise((done) => cgi.once("exit", done))).toBe(0);
    expect(out).toMatch(/^Status: 200 OK\r?\ncontent-type: text\/plain; version=0\.0\.4; charset=utf-8\r?\n/);
    expect(out).toMatch(/^tsgi_request_duration_seconds_count 0$/m);
  }, 20_000);

  it("refuses a path without a leading / with exit 2 and the fix, before loading the app", async () => {
    const bad = tsgi(["serve", APP, "--metrics-path", "metrics"]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe('tsgi: --metrics-path must start with "/", e.g. --metrics-path /metrics; got "metrics"\n');
    const clash = tsgi(["serve", APP, "--workers", "2", "--metrics-path", "/m", "--status-path", "/m"]);
    expect(await clash.exited).toBe(2);
    expect(clash.stderr()).toContain("--metrics-path and --status-path are both /m; give each its own path");
  }, 30_000);
});

describe("listenBacklog (the pool's tsgi_queue_length)", () => {
  it("reads the accept queue of a listening socket whose process does not accept, from /proc/net/tcp", async () => {
    const port = await freePort();
    // A listener whose event loop is blocked: the kernel completes the handshakes and queues them.
    const code = `require("net").createServer().listen(${port}, "127.0.0.1", () => { console.log("up"); const end = Date.now() + 8000; while (Date.now() < end); });`;
    const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "ignore"] });
    const sockets: Socket[] = [];
    try {
      await new Promise<void>((done) => child.stdout.once("data", () => done()));
      if (await listenBacklog(port) === undefined) return expect(process.platform).not.toBe("linux");
      expect(await listenBacklog(port)).toBe(0);
      for (let i = 0; i < 3; i++) {
        const socket = connect(port, "127.0.0.1");
        sockets.push(socket);
        await new Promise<void>((done, fail) => { socket.once("connect", () => done()); socket.once("error", fail); });
      }
      expect(await listenBacklog(port)).toBe(3);
      expect(await listenBacklog(await freePort())).toBeUndefined();
      expect(await listenBacklog(port, ["/nonexistent/tcp"])).toBeUndefined();
    } finally {
      for (const socket of sockets) socket.destroy();
      child.kill("SIGKILL");
    }
  }, 20_000);
});
