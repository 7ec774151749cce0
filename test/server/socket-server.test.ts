// The socket-server base shared by FastCGI and SCGI, over real loopback sockets: an idempotent close()
// (a second SIGTERM with a request in flight still resolves), a second close with graceMs 0 that cuts
// the grace short, the inFlight/served counters, and option errors that name the option.
import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { encodeScgiRequest } from "tsgi/protocol/scgi";
import { serveScgi } from "tsgi/scgi";
import { memorySink } from "tsgi/testing";
import { DrainWaiters, lingerClose } from "../../src/server/drain.js";
import { SignalQueue, runSignalLoop, type SignalSource } from "../../src/server/lifecycle.js";
import { ConnectionAdmission, positiveInteger, SocketServer, StartDeadlines, timeoutOption } from "../../src/server/socket-server.js";
import type { RunningServer } from "../../src/server/types.js";
import { startCli } from "../cli/run-cli.js";
import { cgiParams, parseCgiResponse } from "../support/cgi-response.js";
import { freePort } from "../support/daemon.js";
import { FastCgiClient } from "../support/fastcgi-client.js";
import { readAll, scgiConnect } from "../support/scgi-client.js";

const TEXT: [string, string] = ["content-type", "text/plain"];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Resolves to the settled value, or "pending" if `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const servers: RunningServer[] = [];
const sockets: Socket[] = [];
const cleanups: Array<() => void> = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const server of servers.splice(0)) await within(server.close({ graceMs: 0 }), 2000);
});

/** A FastCGI or an SCGI server, and a way to start one request on it that the test can watch. */
interface Subject {
  name: string;
  serve(app: App): Promise<RunningServer>;
  /** Sends one GET; resolves with the status the client got, or "closed" when the connection closed without a reply. */
  request(server: { port: number | undefined }, path?: string): Promise<number | "closed">;
}

const subjects: Subject[] = [
  {
    name: "FastCGI",
    serve: async (app) => serveFastCgi(app, { bind: "127.0.0.1:0", log: memorySink() }),
    async request(server, path = "/") {
      const client = await FastCgiClient.connect(server.port as number);
      sockets.push(client.socket);
      const ended = client.request(cgiParams("GET", path), { id: 1 }).then((result) => parseCgiResponse(result.stdout).status);
      return Promise.race([ended, client.closed.then(() => "closed" as const)]);
    },
  },
  {
    name: "SCGI",
    serve: async (app) => serveScgi(app, { bind: "127.0.0.1:0", log: memorySink() }),
    async request(server, path = "/") {
      const socket = await scgiConnect(server.port as number);
      sockets.push(socket);
      const all = readAll(socket);
      socket.write(encodeScgiRequest(cgiParams("GET", path).filter(([name]) => name !== "CONTENT_LENGTH")));
      const bytes = await all;
      return bytes.length === 0 ? "closed" : parseCgiResponse(bytes).status;
    },
  },
];

describe.each(subjects)("$name server close()", (subject) => {
  async function startSlow(): Promise<{ server: RunningServer; release(): void; aborted(): boolean }> {
    const slow = gate();
    let aborted = false;
    const server = await subject.serve(async (env) => {
      env["tsgi.signal"].addEventListener("abort", () => {
        aborted = true;
      });
      await Promise.race([slow.promise, new Promise((resolve) => env["tsgi.signal"].addEventListener("abort", resolve))]);
      return { status: 200, headers: [TEXT], body: "done" };
    });
    servers.push(server);
    return { server, release: () => slow.open(), aborted: () => aborted };
  }

  it("resolves both calls of a double close with a request in flight, and the request finishes", async () => {
    const { server, release } = await startSlow();
    const reply = subject.request(server);
    expect(await waitFor(() => server.inFlight === 1)).toBe(true);
    const first = server.close({ graceMs: 5000 });
    const second = server.close({ graceMs: 5000 });
    expect(second).toBe(first);
    await sleep(50);
    release();
    expect(await within(first, 2000)).toBeUndefined();
    expect(await within(second, 2000)).toBeUndefined();
    expect(await reply).toBe(200);
    expect(server.inFlight).toBe(0);
    expect(server.served).toBe(1);
  });

  it("a second close with graceMs 0 cuts the grace short: the request is aborted at once and both calls resolve", async () => {
    const { server, aborted } = await startSlow();
    const reply = subject.request(server);
    expect(await waitFor(() => server.inFlight === 1)).toBe(true);
    const graceful = server.close({ graceMs: 30_000 });
    await sleep(50);
    expect(aborted()).toBe(false);
    const started = Date.now();
    const cut = server.close({ graceMs: 0 });
    expect(await within(cut, 1000)).toBeUndefined();
    expect(await within(graceful, 100)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(aborted()).toBe(true);
    expect(await reply).toBe("closed");
    expect(server.inFlight).toBe(0);
  });

  it("a second, shorter grace moves the cut earlier; a longer one does not postpone it", async () => {
    const { server, aborted } = await startSlow();
    void subject.request(server);
    expect(await waitFor(() => server.inFlight === 1)).toBe(true);
    const started = Date.now();
    const first = server.close({ graceMs: 30_000 });
    void server.close({ graceMs: 200 });
    void server.close({ graceMs: 60_000 });
    expect(await within(first, 2000)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(aborted()).toBe(true);
  });

  it("with nothing in flight, close() resolves at once, and again when called after it resolved", async () => {
    const server = await subject.serve(() => ({ status: 200, headers: [TEXT], body: "ok" }));
    servers.push(server);
    expect(await subject.request(server)).toBe(200);
    expect(await within(server.close({ graceMs: 5000 }), 1000)).toBeUndefined();
    expect(await within(server.close({ graceMs: 5000 }), 1000)).toBeUndefined();
    expect(await within(server.close({ graceMs: 0 }), 1000)).toBeUndefined();
  });

  it("two SIGTERMs through the signal loop stop the server with a request in flight (the shutdown hook runs)", async () => {
    const { server, aborted } = await startSlow();
    void subject.request(server);
    expect(await waitFor(() => server.inFlight === 1)).toBe(true);
    const listeners = new Map<string, () => void>();
    const source: SignalSource = {
      on: (signal, listener) => listeners.set(signal, listener),
      off: (signal) => listeners.delete(signal),
    };
    const lines: string[] = [];
    const loop = runSignalLoop(new SignalQueue(["SIGTERM"], source), server, (line) => lines.push(line), 30_000);
    listeners.get("SIGTERM")?.();
    await sleep(50);
    listeners.get("SIGTERM")?.();
    expect(await within(loop, 2000)).toBe("SIGTERM");
    expect(aborted()).toBe(true);
    expect(lines.join("\n")).toContain("again: stopping now");
  });

  it("counts requests in flight and served, and refuses new connections once closing", async () => {
    const slow = gate();
    const server = await subject.serve(async (env) => {
      if (env.PATH_INFO === "/") await slow.promise;
      return { status: 200, headers: [TEXT], body: "ok" };
    });
    servers.push(server);
    expect([server.inFlight, server.served]).toEqual([0, 0]);
    const a = subject.request(server);
    const b = subject.request(server);
    expect(await waitFor(() => server.inFlight === 2)).toBe(true);
    expect(server.served).toBe(0);
    slow.open();
    expect(await a).toBe(200);
    expect(await b).toBe(200);
    expect(await waitFor(() => server.served === 2)).toBe(true);
    expect(server.inFlight).toBe(0);
    const closing = server.close({ graceMs: 1000 });
    expect(await within(subject.request(server).catch(() => "closed" as const), 1000)).toBe("closed");
    await closing;
  });

  it("rejects a bad graceMs, naming it and what to pass", async () => {
    const server = await subject.serve(() => ({ status: 200, headers: [TEXT], body: "ok" }));
    servers.push(server);
    await expect(server.close({ graceMs: -1 })).rejects.toThrow(/graceMs must be a number of milliseconds >= 0/);
    await expect(server.close({ graceMs: Number.NaN })).rejects.toThrow(/graceMs/);
    expect(await subject.request(server)).toBe(200);
  });
});

describe.each([
  ["fastcgi", subjects[0] as Subject],
  ["scgi", subjects[1] as Subject],
])("tsgi serve --server %s", (kind, subject) => {
  it("exits after two SIGTERMs with a request in flight, running the shutdown hook", async () => {
    const port = await freePort();
    const cli = startCli(["serve", "test/cli/fixtures/slow-app.ts", "--server", kind, "--bind", `127.0.0.1:${port}`]);
    try {
      await cli.waitFor(/startup hook ran[\s\S]*serving/);
      const slow = subject.request({ port }, "/slow").catch(() => "closed" as const);
      await sleep(300);
      cli.child.kill("SIGTERM");
      await cli.waitFor(/SIGTERM: stopping/);
      cli.child.kill("SIGTERM");
      expect(await within(cli.exited, 8000)).toBe(0);
      expect(await slow).toBe("closed");
      expect(cli.stderr()).toMatch(/SIGTERM again: stopping now[\s\S]*shutdown hook ran/);
    } finally {
      cli.child.kill("SIGKILL");
    }
  });
});

describe("socket-server option checks", () => {
  it("name the protocol, the option and the value", () => {
    expect(positiveInteger("FastCGI", "maxConns", undefined, 7)).toBe(7);
    expect(positiveInteger("FastCGI", "maxConns", 3, 7)).toBe(3);
    expect(() => positiveInteger("SCGI", "maxConns", 0, 7)).toThrow("SCGI option maxConns must be a positive integer; got 0");
    expect(() => positiveInteger("SCGI", "maxConns", 1.5, 7)).toThrow(/maxConns.*got 1\.5/);
    expect(timeoutOption("SCGI", "headerTimeoutMs", undefined, 30_000)).toBe(30_000);
    expect(() => timeoutOption("SCGI", "headerTimeoutMs", 2 ** 31, 30_000)).toThrow(/SCGI option headerTimeoutMs must be at most 2147483647 ms/);
  });

  it("a timeout too long for a timer is refused by both servers instead of firing at once", async () => {
    await expect(serveFastCgi(() => ({ status: 200, headers: [] }), { bind: "127.0.0.1:0", idleTimeoutMs: 1e10 })).rejects.toThrow(/FastCGI option idleTimeoutMs must be at most/);
    await expect(serveFastCgi(() => ({ status: 200, headers: [] }), { bind: "127.0.0.1:0", paramsTimeoutMs: 1e10 })).rejects.toThrow(/FastCGI option paramsTimeoutMs must be at most/);
    await expect(serveScgi(() => ({ status: 200, headers: [] }), { bind: "127.0.0.1:0", headerTimeoutMs: 1e10 })).rejects.toThrow(/SCGI option headerTimeoutMs must be at most/);
  });

  it.each([
    ["maxConns", { maxConns: 0 }],
    ["maxParams", { maxParams: -3 }],
    ["bodyHighWater", { bodyHighWater: 1.5 }],
    ["socketMode", { socketMode: 0o1777 }],
  ])("serveFastCgi and serveScgi refuse %s before listening", async (name, options) => {
    await expect(serveFastCgi(() => ({ status: 200, headers: [] }), { bind: "127.0.0.1:0", ...options })).rejects.toThrow(new RegExp(`FastCGI option ${name}`));
    await expect(serveScgi(() => ({ status: 200, headers: [] }), { bind: "127.0.0.1:0", ...options })).rejects.toThrow(new RegExp(`SCGI option ${name}`));
  });

  it("FastCGI refuses a per-connection cap above maxReqs, and multiplexing with a cap of one", async () => {
    const app: App = () => ({ status: 200, headers: [] });
    await expect(serveFastCgi(app, { bind: "127.0.0.1:0", maxReqs: 10, maxReqsPerConn: 11 })).rejects.toThrow(/maxReqsPerConn \(11\) must not exceed maxReqs \(10\)/);
    await expect(serveFastCgi(app, { bind: "127.0.0.1:0", maxReqsPerConn: 1, multiplex: true })).rejects.toThrow(/multiplex.*maxReqsPerConn/);
    await expect(serveFastCgi(app, { bind: "127.0.0.1:0", paramsTimeoutMs: 0 })).rejects.toThrow(/FastCGI option paramsTimeoutMs must be a positive integer/);
  });
});

describe("ConnectionAdmission", () => {
  /** Two connections' admissions on one (not listening) server; `expired` collects "name id". */
  function twoConnections(limits: { maxRequests: number; perConnection: number }, timeoutMs: number, names: [string, string]) {
    const server = new SocketServer<never>({ protocol: "FastCGI", scheme: "fastcgi", defaultPort: 0, maxConns: 1 }, () => undefined);
    const deadlines = new StartDeadlines(timeoutMs);
    const expired: string[] = [];
    const [a, b] = names.map((name) => new ConnectionAdmission(server, limits, deadlines, (id) => expired.push(`${name} ${id}`))) as [ConnectionAdmission, ConnectionAdmission];
    return { server, expired, a, b };
  }

  it("admits up to the per-connection cap and the server-wide limit, and counts releases as served", () => {
    const { server, expired, a, b } = twoConnections({ maxRequests: 3, perConnection: 2 }, 10_000, ["a", "b"]);
    expect([a.admit(1), a.admit(2), a.admit(3)]).toEqual([true, true, false]);
    expect([b.admit(1), b.admit(2)]).toEqual([true, false]);
    expect(server.inFlight).toBe(3);
    a.release(1);
    expect(b.admit(2)).toBe(true);
    expect([server.inFlight, server.served]).toEqual([3, 1]);
    a.dispose();
    b.dispose();
    expect(expired).toEqual([]);
  });

  it("expires a connection whose admitted request has not started by the deadline, and not one whose requests started", async () => {
    const { expired, a: idle, b: busy } = twoConnections({ maxRequests: 10, perConnection: 10 }, 100, ["stalled", "busy"]);
    idle.admit(1);
    idle.admit(7);
    idle.started(1);
    busy.admit(1);
    busy.started(1);
    busy.admit(2);
    busy.release(2);
    await sleep(80);
    expect(expired).toEqual([]);
    expect(await waitFor(() => expired.length > 0, 1000)).toBe(true);
    await sleep(100);
    expect(expired).toEqual(["stalled 7"]);
    idle.dispose();
    busy.dispose();
  });
});

describe("connection closing helpers", () => {
  /** A server that hands each socket to `onSocket`; resolves the port and when the server side closed. */
  async function lingerServer(onSocket: (socket: Socket) => void): Promise<{ port: number; serverClosed(): Promise<number> }> {
    let serverSide: Promise<number> | undefined;
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      serverSide = new Promise((resolve) => socket.once("close", () => resolve(Date.now())));
      onSocket(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    server.unref();
    cleanups.push(() => server.close());
    return { port: (server.address() as { port: number }).port, serverClosed: () => serverSide as Promise<number> };
  }

  it("lingerClose sends FIN after what was written, then drops a peer that never closes its side", async () => {
    let lingerAt = 0;
    const { port, serverClosed } = await lingerServer((socket) => {
      socket.write("last reply");
      lingerAt = Date.now();
      lingerClose(socket, 150);
    });
    const client = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    sockets.push(client);
    let received = "";
    let ended = false;
    client.on("data", (chunk: Buffer) => { received += chunk.toString(); });
    client.on("end", () => { ended = true; });
    expect(await waitFor(() => ended, 2000)).toBe(true);
    expect(received).toBe("last reply");
    client.write("the peer keeps talking"); // read and discarded while lingering
    const closedAt = await within(serverClosed(), 2000);
    expect(closedAt).not.toBe("pending");
    expect((closedAt as number) - lingerAt).toBeGreaterThanOrEqual(140);
  });

  it("lingerClose drops the connection as soon as the peer closes too", async () => {
    const { port, serverClosed } = await lingerServer((socket) => lingerClose(socket, 5000));
    const client = connect({ port, host: "127.0.0.1" });
    sockets.push(client);
    client.resume();
    const endedAt = await new Promise<number>((resolve) => client.once("end", () => resolve(Date.now())));
    const closedAt = await within(serverClosed(), 1000);
    expect(closedAt).not.toBe("pending");
    expect((closedAt as number) - endedAt).toBeLessThan(500);
  });

  it("lingerClose after the peer already closed its side delivers what was written and closes at once", async () => {
    const { port, serverClosed } = await lingerServer((socket) => {
      socket.resume();
      socket.once("end", () => {
        socket.write("reply after the peer's FIN");
        lingerClose(socket, 60_000);
      });
    });
    const client = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    sockets.push(client);
    let received = "";
    client.on("data", (chunk: Buffer) => { received += chunk.toString(); });
    const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
    client.end("request");
    await within(ended, 2000);
    expect(received).toBe("reply after the peer's FIN");
    const closedAt = await within(serverClosed(), 1000);
    expect(closedAt).not.toBe("pending");
  });

  it("DrainWaiters resolves every waiter on the next wake, and only then", async () => {
    const waiters = new DrainWaiters();
    let woken = 0;
    const all = Promise.all([waiters.wait(), waiters.wait()]).then(() => { woken = 2; });
    await sleep(20);
    expect(woken).toBe(0);
    waiters.wake();
    await all;
    expect(woken).toBe(2);
    const later = waiters.wait();
    expect(await within(later, 50)).toBe("pending");
    waiters.wake();
    expect(await within(later, 50)).toBeUndefined();
  });
});
