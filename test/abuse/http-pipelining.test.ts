// Clients that pipeline thousands of requests and never read the replies must not pin memory, and
// leaving must release their requests: signals fire and a later SIGTERM does not wait the whole grace.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { httpFetch } from "../server/http/client.js";

const fixture = resolve(import.meta.dirname, "fixtures/big-reply-server.ts");
const children: ChildProcess[] = [];
afterAll(() => { for (const child of children) child.kill("SIGKILL"); });

async function startServer(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx/esm", fixture], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => { text += chunk.toString(); });
  const deadline = Date.now() + 20_000;
  while (!/port (\d+)/.test(text)) {
    if (Date.now() > deadline) throw new Error("the fixture server did not start");
    await sleep(50);
  }
  return { child, port: Number(/port (\d+)/.exec(text)?.[1]), output: () => text };
}

async function number(port: number, path: string): Promise<number> {
  return Number((await httpFetch(port, "GET", path)).body.toString());
}

describe("pipelining without reading", () => {
  it("keeps memory bounded, releases the requests when the clients leave, and stops without waiting the grace", async () => {
    const { child, port, output } = await startServer();
    const before = await number(port, "/rss");
    const request = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3000);
    const sockets = await Promise.all([0, 1, 2].map(() => new Promise<ReturnType<typeof connect>>((done) => {
      const socket = connect(port, "127.0.0.1", () => done(socket));
      socket.on("error", () => undefined);
    })));
    for (const socket of sockets) {
      socket.pause(); // never read a reply
      socket.write(request);
    }
    await sleep(1500);
    const during = await number(port, "/rss");
    for (const socket of sockets) socket.destroy();
    await sleep(1000);
    const after = await number(port, "/rss");
    const mb = (bytes: number): number => Math.round(bytes / 1e6);
    // Before backpressure: +950 MB held after the clients left (plain node:http stays near +80 MB).
    expect(mb(during - before), `RSS while flooded: ${mb(during)} MB (from ${mb(before)} MB)`).toBeLessThan(200);
    expect(mb(after - before), `RSS after the clients left: ${mb(after)} MB`).toBeLessThan(120);
    expect(await number(port, "/signals")).toBeGreaterThan(0);
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const took = Number(/closed in (\d+) ms/.exec(output())?.[1]);
    expect(took).toBeLessThan(5000);
  }, 60_000);
});
