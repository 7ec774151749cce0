// A FastCGI peer that multiplexes thousands of requests on a few connections and never reads the replies
// must not pin memory: per connection at most maxReqsPerConn requests run, the rest get OVERLOADED, and a
// blocked socket stops the reading.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { cgiParams, parseCgiResponse } from "../support/cgi-response.js";
import { FastCgiClient } from "../support/fastcgi-client.js";
import { httpFetch } from "../server/http/client.js";

const fixture = resolve(import.meta.dirname, "fixtures/big-fastcgi-server.ts");
const children: ChildProcess[] = [];
afterAll(() => { for (const child of children) child.kill("SIGKILL"); });

describe("FastCGI flood without reading", () => {
  it("keeps memory bounded while three connections multiplex 3,000 requests each, and serves a new connection", async () => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx/esm", fixture], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    let text = "";
    child.stdout?.on("data", (chunk: Buffer) => { text += chunk.toString(); });
    const deadline = Date.now() + 20_000;
    while (!/port (\d+) probe (\d+)/.test(text)) {
      if (Date.now() > deadline) throw new Error("the fixture server did not start");
      await sleep(50);
    }
    const [, port, probe] = /port (\d+) probe (\d+)/.exec(text)?.map(Number) as number[];
    const rss = async (): Promise<number> => Number((await httpFetch(probe as number, "GET", "/")).body.toString());
    const before = await rss();
    const flood = Buffer.concat(Array.from({ length: 3000 }, (_, i) => FastCgiClient.encodeRequest(cgiParams("GET", "/"), { id: i + 1 })));
    const sockets = [0, 1, 2].map(() => {
      const socket = connect(port as number, "127.0.0.1");
      socket.on("error", () => undefined);
      socket.pause(); // never read a reply
      socket.write(flood);
      return socket;
    });
    await sleep(1500);
    const during = await rss();
    const client = await FastCgiClient.connect(port as number);
    const reply = await client.request(cgiParams("GET", "/"), { id: 1 });
    expect(parseCgiResponse(reply.stdout).status).toBe(200);
    client.close();
    for (const socket of sockets) socket.destroy();
    const mb = (bytes: number): number => Math.round(bytes / 1e6);
    // Memory held by requests of gone peers must come back; give a busy machine up to 8 s to get there.
    let after = await rss();
    for (let waited = 0; mb(after - before) >= 40 && waited < 8000; waited += 250) {
      await sleep(250);
      after = await rss();
    }
    // Without the per-connection cap: +74 MB while flooded and still +74 MB after the peers left.
    expect(mb(during - before), `RSS while flooded: ${mb(during)} MB (from ${mb(before)} MB)`).toBeLessThan(120);
    expect(mb(after - before), `RSS after the peers left: ${mb(after)} MB`).toBeLessThan(40);
  }, 60_000);
});
