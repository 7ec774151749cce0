// The differential conformance corpus: every case of corpus.ts on every server path in runners/
// (through the real front servers), each reply checked against the case and then against every other
// path's. A path is started once and serves all cases from the one corpus app.
// While working on one server, CORPUS_ONLY=http,cgi-apache runs only those runner files (never set in CI).
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary } from "../../support/daemon.js";
import { ROUTES } from "./corpus-app.js";
import { CORPUS, type CorpusCase } from "./corpus.js";
import { disconnectAfter, exchange, type RawReply } from "./raw-client.js";
import { headerSet, normalise, type NormalReply, type Runner, type RunningPath } from "./runner.js";

const RUNNER_DIR = new URL("./runners/", import.meta.url);

/** Every runner file, HTTP first (the reference the others are compared with), then by file name. */
async function loadRunners(): Promise<Array<Runner & { file: string }>> {
  const files = readdirSync(RUNNER_DIR).filter((file) => file.endsWith(".ts")).sort((a, b) => (a === "http.ts" ? -1 : b === "http.ts" ? 1 : a.localeCompare(b)));
  const runners: Array<Runner & { file: string }> = [];
  for (const file of files) {
    const runner = ((await import(new URL(file, RUNNER_DIR).href)) as { default: Runner }).default;
    runners.push(Object.assign(runner, { file: file.replace(/\.ts$/, "") }));
  }
  return runners;
}

const ALL_RUNNERS = await loadRunners();
const ONLY = process.env.CI ? undefined : process.env.CORPUS_ONLY?.split(",");
const RUNNERS = ALL_RUNNERS.filter((runner) => ONLY === undefined || ONLY.includes(runner.file));
/** case name → runner name → what its client received. */
const seen = new Map<string, Map<string, NormalReply>>();

function sha(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}

function show(reply: RawReply): string {
  const head = reply.raw.subarray(0, Math.min(reply.raw.length, 600)).toString("latin1");
  return JSON.stringify(head);
}

/** For comparing paths: a body that holds this path's port or script path gets `{port}` back and the script path removed. */
function comparable(reply: NormalReply, kase: CorpusCase, path: RunningPath): NormalReply {
  const want = kase.expect.body;
  if (typeof want !== "string" || !/\{port\}|\{script\}/.test(want)) return reply;
  let text = reply.body.toString("latin1");
  if (path.script !== "") text = text.replaceAll(path.script, "");
  text = text.replaceAll(String(path.port), "{port}");
  return { ...reply, contentLength: "(varies with {port} and {script})", body: Buffer.from(text, "latin1") };
}

function countLines(text: string, needle: string): number {
  return text.split("\n").filter((line) => line.includes(needle)).length;
}

/** Waits up to `timeoutMs` for a new log line holding `needle`; returns how many new ones there are and the log. */
async function newLogLines(path: RunningPath, before: number, needle: string, timeoutMs: number): Promise<{ count: number; log: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = path.log();
    const count = countLines(log, needle) - before;
    if (count > 0) {
      await sleep(50);
      const settled = path.log();
      return { count: countLines(settled, needle) - before, log: settled };
    }
    if (Date.now() > deadline) return { count, log };
    await sleep(25);
  }
}

async function runCase(runner: Runner, path: RunningPath, kase: CorpusCase): Promise<void> {
  const request = kase.request ?? {};
  const deviation = runner.deviations?.[kase.name];
  const want = { ...kase.expect, ...deviation?.expect };
  const method = request.method ?? "GET";
  const body = typeof request.body === "string" ? new TextEncoder().encode(request.body) : request.body;
  const logBefore = want.log === undefined ? 0 : countLines(path.log(), want.log);
  const reply = await exchange(path.port, {
    method,
    target: `${path.script}/${kase.name}${request.suffix ?? ""}`,
    version: request.version ?? "1.1",
    host: request.host === undefined ? `127.0.0.1:${path.port}` : request.host,
    headers: request.headers ?? [],
    ...(body === undefined ? {} : { body }),
  });
  const normal = normalise(reply, runner);
  const forCase = seen.get(kase.name) ?? new Map<string, NormalReply>();
  if (deviation === undefined) forCase.set(runner.name, comparable(runner.reframes === true ? { ...normal, contentLength: "(re-framed by the front server)" } : normal, kase, path));
  seen.set(kase.name, forCase);

  const fill = (text: string): string => text.replaceAll("{port}", String(path.port)).replaceAll("{script}", path.script);
  const wantBody = typeof want.body === "string" ? Buffer.from(fill(want.body)) : Buffer.from(want.body ?? new Uint8Array(0));
  const context = `${runner.name} ${kase.name} (${kase.about}${deviation ? `; this front server deviates: ${deviation.why}` : ""}); received ${show(reply)}${path.frontLog ? `\nfront server log tail: ${path.frontLog().slice(-600)}` : ""}`;

  expect(normal.status, context).toBe(want.status);
  for (const name of want.absent ?? []) {
    expect(reply.headers.filter(([key]) => key.toLowerCase() === name).map(([key, value]) => `${key}: ${value}`), `${context}\n${name} must never reach the client`).toEqual([]);
  }
  expect(normal.headers, context).toEqual(headerSet(want.headers));
  if (want.stream !== true && runner.reframes !== true) {
    const length = want.contentLength ?? "body";
    expect(normal.contentLength, `${context}\ncontent-length`).toBe(length === "none" ? undefined : length === "body" ? String(wantBody.byteLength) : length);
  }
  if (wantBody.byteLength > 4096 || reply.body.byteLength > 4096) {
    expect({ length: reply.body.byteLength, sha256: sha(reply.body) }, context).toEqual({ length: wantBody.byteLength, sha256: sha(wantBody) });
  } else {
    expect(reply.body.toString("latin1"), context).toBe(wantBody.toString("latin1"));
  }
  expect(reply.trailing, `${context}\nbytes after the announced body`).toBe(0);
  expect(reply.interim, `${context}\ninterim 1xx replies`).toEqual([]);
  if (want.truncated === true) {
    if (runner.signalsTruncation) expect(reply.complete, `${context}\nthe client must be able to tell the reply was cut short`).toBe(false);
  } else {
    expect(reply.complete, `${context}\nthe reply ended before its framing said it would`).toBe(true);
  }
  if (want.log !== undefined) {
    const { count, log } = await newLogLines(path, logBefore, want.log, 1500);
    expect(count, `${context}\none new line naming ${JSON.stringify(want.log)} in the server log; its tail:\n${log.slice(-1500)}`).toBe(1);
  }
}

describe("the corpus", () => {
  it("has at least 60 cases, each with its own route in the corpus app", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    const names = CORPUS.map((kase) => kase.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((name) => !ROUTES.includes(name))).toEqual([]);
  });

  it("runs on every server path the issue lists", () => {
    expect(ALL_RUNNERS.map((runner) => runner.file)).toEqual(["http", "cgi-apache", "cgi-lighttpd", "fastcgi-apache", "fastcgi-nginx-keep-conn", "fastcgi-nginx", "fetch-bridge", "http-bun", "http-deno", "pool-http", "scgi-nginx"]);
  });
});

for (const runner of RUNNERS) {
  const missing = runner.binaries.filter((name) => findBinary(name) === undefined);
  if (missing.length > 0) {
    if (process.env.CI) {
      it(`${runner.name}: needs ${missing.join(", ")}`, () => {
        throw new Error(`CI is set but ${missing.join(", ")} is not installed: add it to .ci/run`);
      });
    } else {
      describe.skip(`${runner.name} (${missing.join(", ")} not installed)`, () => { it("skipped", () => undefined); });
    }
    continue;
  }

  describe(runner.name, () => {
    let path: RunningPath;
    beforeAll(async () => { path = await runner.start(); }, 120_000);
    afterAll(async () => { await path?.stop(); });

    for (const kase of CORPUS) it(kase.name, () => runCase(runner, path, kase));

    it("keeps serving after a client disconnects mid-reply", async () => {
      const count = async (): Promise<number> => Number((await exchange(path.port, { method: "GET", target: `${path.script}/aborted-count`, version: "1.1", host: "127.0.0.1", headers: [] })).body.toString());
      const before = runner.oneProcess ? await count() : 0;
      expect(await disconnectAfter(path.port, `${path.script}/endless`, 64 * 1024)).toBeGreaterThanOrEqual(64 * 1024);
      const after = await exchange(path.port, { method: "GET", target: `${path.script}/status-200`, version: "1.1", host: "127.0.0.1", headers: [] });
      expect(after.status).toBe(200);
      expect(after.body.toString()).toBe("hello");
      if (runner.oneProcess) {
        const deadline = Date.now() + 5000;
        let now = await count();
        while (now === before && Date.now() < deadline) {
          await sleep(50);
          now = await count();
        }
        expect(now, "the app's tsgi.signal fired for the request whose client went away").toBe(before + 1);
      }
    });

    // Last: it stops the tsgi server.
    if (runner.longLived) it("stops once when closed twice with a request in flight, and finishes that request (unless a second close means stop now)", async () => {
      const close = path.close;
      if (close === undefined) throw new Error(`${runner.name} is marked longLived but its path has no close()`);
      const inFlight = exchange(path.port, { method: "GET", target: `${path.script}/slow`, version: "1.1", host: "127.0.0.1", headers: [] });
      await sleep(150);
      const started = Date.now();
      await Promise.race([
        Promise.all([close(), close()]),
        sleep(10_000).then(() => { throw new Error("two close() calls did not both resolve within 10 s"); }),
      ]);
      await close();
      expect(Date.now() - started).toBeLessThan(10_000);
      const reply = await inFlight.catch((error: Error) => error);
      if (path.secondCloseStopsAtOnce === true) return;
      expect(reply instanceof Error ? reply.message : reply.status).toBe(200);
      expect((reply as RawReply).body.toString()).toBe("slow done\n");
    });
  });
}

describe("identical on every server path", () => {
  for (const kase of CORPUS) {
    it(kase.name, () => {
      const replies = [...(seen.get(kase.name) ?? new Map<string, NormalReply>())];
      const reframed = "(re-framed by the front server)";
      const view = ([name, reply]: [string, NormalReply]) => ({
        path: name,
        status: reply.status,
        headers: reply.headers,
        contentLength: kase.expect.stream === true ? "(the server's)" : reply.contentLength,
        body: `${reply.body.byteLength} bytes ${sha(reply.body)}`,
      });
      const [first, ...rest] = replies.map(view);
      if (first === undefined) return;
      const same = (a: ReturnType<typeof view>, b: ReturnType<typeof view>): boolean =>
        a.status === b.status && JSON.stringify(a.headers) === JSON.stringify(b.headers) && a.body === b.body
        && (a.contentLength === b.contentLength || a.contentLength === reframed || b.contentLength === reframed);
      const differ = rest.filter((other) => !same(first, other));
      expect(differ, `${kase.name}: these paths differ from ${first.path} ${JSON.stringify(first)}`).toEqual([]);
    });
  }
});
