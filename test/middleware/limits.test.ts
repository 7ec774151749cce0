import { describe, expect, it } from "vitest";
import { callApp, HttpError, readBody, RequestInput, type App } from "tsgi";
import { lint } from "tsgi/lint";
import { buildEnv, request } from "tsgi/testing";
import { bodyLimit } from "tsgi/middleware/body-limit";
import { errorPages } from "tsgi/middleware/error-pages";
import { RequestTimeoutError, timeout } from "tsgi/middleware/timeout";

const echo: App = async (env) => ({ status: 200, headers: [["content-type", "text/plain"]], body: `got ${(await readBody(env, { limit: 1e9 })).byteLength}` });

describe("bodyLimit", () => {
  const app = bodyLimit({ limit: 1000 })(echo);

  it("lets bodies up to the limit through", async () => {
    expect((await request(app, "POST", "/", { body: "x".repeat(1000) })).text).toBe("got 1000");
  });

  it("refuses a declared Content-Length over the limit before the app runs", async () => {
    let ran = false;
    const guarded = bodyLimit({ limit: 1000 })((env) => { ran = true; return echo(env); });
    const reply = await request(guarded, "POST", "/", { body: "x".repeat(1001) });
    expect(reply.status).toBe(413);
    expect(reply.text).toMatch(/1001 bytes exceeds the limit of 1000/);
    expect(ran).toBe(false);
  });

  it("refuses a chunked body (no Content-Length) once it passes the limit", async () => {
    const env = buildEnv("POST", "/");
    let produced = 0;
    env["tsgi.input"] = new RequestInput((async function* () {
      for (let i = 0; i < 1000; i++) { produced += 100; yield new Uint8Array(100); }
    })());
    const reply = await callApp(lint()(app), env);
    expect(reply.status).toBe(413);
    expect(produced).toBeLessThanOrEqual(1100); // stopped reading early: not the whole 100 kB
  });

  it("fails fast on a bad limit", () => {
    expect(() => bodyLimit({ limit: -1 })).toThrow(/whole number/);
  });
});

describe("timeout", () => {
  it("answers 503 at the deadline and aborts the derived signal", async () => {
    let reason: unknown;
    const slow: App = (env) => new Promise((resolve) => {
      env["tsgi.signal"].addEventListener("abort", () => { reason = env["tsgi.signal"].reason; });
      setTimeout(() => resolve({ status: 200, headers: [], body: "late" }), 2000).unref();
    });
    const reply = await request(timeout({ ms: 30 })(slow), "GET", "/slow");
    expect(reply.status).toBe(503);
    expect(reply.header("retry-after")).toBe("1");
    expect(reason).toBeInstanceOf(RequestTimeoutError);
    expect(reply.logs.join()).toMatch(/took longer than 30 ms/);
  });

  it("can answer 504, and passes fast replies and client aborts through", async () => {
    let fire: () => void = () => {};
    const manual = (callback: () => void): (() => void) => { fire = callback; return () => { fire = () => {}; }; };
    const hang: App = () => new Promise(() => {});
    const pending = request(timeout({ ms: 1000, status: 504, setTimer: manual })(hang), "GET", "/");
    await new Promise((resolve) => setTimeout(resolve, 5));
    fire();
    expect((await pending).status).toBe(504);
    expect((await request(timeout({ ms: 1000 })(() => ({ status: 200, headers: [], body: "ok" })), "GET", "/")).text).toBe("ok");

    const client = new AbortController();
    let aborted = false;
    const watcher: App = (env) => { env["tsgi.signal"].addEventListener("abort", () => { aborted = true; }); client.abort(); return { status: 200, headers: [] }; };
    await request(timeout({ ms: 1000 })(watcher), "GET", "/", { signal: client.signal });
    expect(aborted).toBe(true);
  });

  it("closes a streamed body that arrives after the deadline", async () => {
    let closed = false;
    const lateStream: App = () => new Promise((resolve) => setTimeout(() => resolve({
      status: 200, headers: [], body: {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: false as const, value: "x" }),
          return: async () => { closed = true; return { done: true as const, value: undefined }; },
        }),
      },
    }), 30));
    expect((await request(timeout({ ms: 5 })(lateStream), "GET", "/")).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(closed).toBe(true);
  });

  it("does not turn a late failure into an unhandled rejection", async () => {
    const late: App = () => new Promise((_, reject) => setTimeout(() => reject(new Error("late")), 40));
    expect((await request(timeout({ ms: 10 })(late), "GET", "/")).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 60));
  });
});

describe("errorPages", () => {
  const thrower = (error: unknown): App => () => { throw error; };

  it("renders HTML for browsers, JSON for APIs, text otherwise, exposing only safe messages", async () => {
    const notFound = errorPages()(thrower(new HttpError(404, "no book <b>978</b>")));
    const html = await request(notFound, "GET", "/", { headers: { accept: "text/html,*/*" } });
    expect(html.status).toBe(404);
    expect(html.header("content-type")).toBe("text/html; charset=utf-8");
    expect(html.text).toContain("no book &#60;b&#62;978&#60;/b&#62;");
    const json = await request(notFound, "GET", "/", { headers: { accept: "application/json" } });
    expect(json.json()).toEqual({ error: { status: 404, message: "no book <b>978</b>" } });
    expect((await request(notFound, "GET", "/")).text).toBe("no book <b>978</b>\n");

    const crash = await request(errorPages()(thrower(new Error("db password is hunter2"))), "GET", "/x", { headers: { accept: "text/html" } });
    expect(crash.status).toBe(500);
    expect(crash.text).not.toContain("hunter2");
    expect(crash.logs.join("\n")).toContain("hunter2");
  });

  it("keeps the error's headers, shows stacks in development, dresses empty error replies", async () => {
    const limited = await request(errorPages()(thrower(new HttpError(503, "busy", { headers: [["retry-after", "7"]] }))), "GET", "/");
    expect(limited.header("retry-after")).toBe("7");
    const dev = await request(errorPages({ development: true })(thrower(new Error("boom"))), "GET", "/", { headers: { accept: "text/html" } });
    expect(dev.text).toMatch(/<pre>Error: boom\n\s+at /);
    const empty = await request(errorPages({ render: ({ status }) => `<p>custom ${status}</p>` })(() => ({ status: 403, headers: [] })), "GET", "/", { headers: { accept: "text/html" } });
    expect(empty.text).toBe("<p>custom 403</p>");
    const kept = await request(errorPages()(() => ({ status: 404, headers: [["content-type", "text/plain"]], body: "mine" })), "GET", "/");
    expect(kept.text).toBe("mine");
  });
});
