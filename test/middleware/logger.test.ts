import { describe, expect, it } from "vitest";
import { HttpError, memorySink, stack, type App } from "tsgi";
import { lint } from "tsgi/lint";
import { request } from "tsgi/testing";
import { clfDate, logger } from "tsgi/middleware/logger";
import { getRequestId, requestId } from "tsgi/middleware/request-id";

const hello: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "hello" });
const fixed = { date: () => new Date(Date.UTC(2000, 9, 10, 13, 55, 36)) };

function ticking(step: number): () => number {
  let t = 0;
  return () => (t += step);
}

describe("logger", () => {
  it("writes a Combined Log Format line with the duration to tsgi.errors by default", async () => {
    const reply = await request(logger({ ...fixed, now: ticking(2.5) })(hello), "GET", "/books?q=dune", {
      headers: { referer: "http://x/", "user-agent": 'curl/8 "quoted"' }, remoteAddr: "10.0.0.7",
    });
    expect(reply.logs).toEqual([
      '10.0.0.7 - - [10/Oct/2000:13:55:36 +0000] "GET /books?q=dune HTTP/1.1" 200 5 "http://x/" "curl/8 \\"quoted\\"" 2.500ms',
    ]);
  });

  it("writes Common Log Format without duration when asked, to any sink", async () => {
    const sink = memorySink();
    await request(logger({ format: "common", duration: false, sink, ...fixed })(() => ({ status: 204, headers: [] })), "DELETE", "/x", { env: { REMOTE_USER: "ada" } });
    expect(sink.lines).toEqual(['127.0.0.1 - ada [10/Oct/2000:13:55:36 +0000] "DELETE /x HTTP/1.1" 204 -']);
  });

  it("writes JSON lines with the request id, and escapes what a client sent", async () => {
    const app = stack(requestId({ generate: () => "rid-1" }), logger({ format: "json", ...fixed, now: ticking(1) }), hello);
    const reply = await request(app, "GET", "/a%0Ab", { headers: { "user-agent": "evil\r\nforged line" } });
    expect(reply.logs).toHaveLength(1);
    const record = JSON.parse(reply.logs[0] as string);
    expect(record).toMatchObject({ method: "GET", url: "/a\nb", status: 200, bytes: 5, duration_ms: 1, request_id: "rid-1", user_agent: "evil\r\nforged line" });
    const clf = await request(logger()(hello), "GET", "/a%0Ab", { headers: { "user-agent": "evil\r\nforged line" } });
    expect(clf.logs).toHaveLength(1);
    expect(clf.logs[0]).not.toMatch(/[\r\n]/);
    expect(clf.logs[0]).toContain("evil\\x0d\\x0aforged line");
  });

  it("counts streamed bytes and logs when the stream ends, not before", async () => {
    const sink = memorySink();
    const streaming: App = () => ({ status: 200, headers: [], body: (async function* () { yield "abc"; yield new Uint8Array(4); })() });
    const app = lint()(logger({ sink, format: "json" })(streaming));
    const reply = await app((await import("tsgi/testing")).buildEnv("GET", "/s"));
    expect(sink.lines).toHaveLength(0);
    for await (const _ of reply.body as AsyncIterable<unknown>) { /* drain */ }
    expect(JSON.parse(sink.lines[0] as string)).toMatchObject({ status: 200, bytes: 7 });
  });

  it("marks a stream that failed or was abandoned", async () => {
    const sink = memorySink();
    const streaming: App = () => ({ status: 200, headers: [], body: (async function* () { yield "abc"; throw new Error("disk gone"); })() });
    await expect(request(logger({ sink, duration: false, ...fixed })(streaming), "GET", "/s")).rejects.toThrow(/disk gone/);
    expect(sink.lines[0]).toMatch(/" 200 3 "-" "-" aborted$/);
  });

  it("logs a thrown error with its status and re-throws it", async () => {
    const sink = memorySink();
    const failing: App = () => { throw new HttpError(404, "nope"); };
    await expect(request(logger({ sink, format: "common", duration: false })(failing), "GET", "/x")).rejects.toThrow("nope");
    expect(sink.lines[0]).toMatch(/"GET \/x HTTP\/1.1" 404 -$/);
  });

  it("skips what the skip option says", async () => {
    const reply = await request(logger({ skip: (env) => env.PATH_INFO === "/health" })(hello), "GET", "/health");
    expect(reply.logs).toEqual([]);
  });

  it("formats dates in UTC", () => {
    expect(clfDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("02/Jan/2026:03:04:05 +0000");
  });
});

describe("requestId", () => {
  it("generates an id, passes it on in the env and the reply", async () => {
    let seen: string | undefined;
    const reply = await request(requestId()((env) => { seen = getRequestId(env); return hello(env); }), "GET", "/");
    expect(seen).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.header("x-request-id")).toBe(seen);
  });

  it("ignores the incoming header unless trusted, and refuses unsafe ids even then", async () => {
    const untrusted = await request(requestId()(hello), "GET", "/", { headers: { "x-request-id": "abc-123" } });
    expect(untrusted.header("x-request-id")).not.toBe("abc-123");
    const trusted = requestId({ trustHeader: true, header: "X-Trace-Id" })(hello);
    expect((await request(trusted, "GET", "/", { headers: { "x-trace-id": "abc-123" } })).header("x-trace-id")).toBe("abc-123");
    for (const bad of ["has space", "x".repeat(129), "a\tb", "<script>"]) {
      const reply = await request(trusted, "GET", "/", { headers: { "x-trace-id": bad } });
      expect(reply.header("x-trace-id")).not.toBe(bad);
      expect(reply.header("x-trace-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("keeps an id the app set itself", async () => {
    const reply = await request(requestId()(() => ({ status: 200, headers: [["X-Request-Id", "mine"]] })), "GET", "/");
    expect(reply.headerAll("x-request-id")).toEqual(["mine"]);
  });
});
