import { describe, expect, it } from "vitest";
import { readText, type App } from "tsgi";
import { fromFetchHandler, toFetchHandler } from "tsgi/fetch";
import { lint } from "tsgi/lint";
import { request } from "tsgi/testing";
import { memorySink } from "../../src/gateway/log.js";

const decoder = new TextDecoder();

/** An app exercising everything the bridge must carry. */
const echo: App = async (env) => {
  const body = await readText(env);
  return {
    status: 201,
    headers: [
      ["content-type", "application/json"],
      ["x-multi", "one"],
      ["x-multi", "two"],
      ["set-cookie", "a=1; Path=/"],
      ["set-cookie", "b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT"],
    ],
    body: JSON.stringify({ method: env.REQUEST_METHOD, path: env.PATH_INFO, script: env.SCRIPT_NAME, query: env.QUERY_STRING, body, accept: env.HTTP_ACCEPT ?? null }),
  };
};

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => { resolve = done; });
  return { promise, resolve };
}

describe("toFetchHandler: a tsgi app behind Request/Response", () => {
  const handler = toFetchHandler(lint()(echo), { scriptName: "/api" });

  it("carries status, repeated headers and every Set-Cookie", async () => {
    const response = await handler(new Request("http://example.test/api/books?x=1", { headers: { accept: "text/html" } }));
    expect(response.status).toBe(201);
    expect(response.headers.get("x-multi")).toBe("one, two");
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT"]);
    expect(await response.json()).toEqual({ method: "GET", path: "/books", script: "/api", query: "x=1", body: "", accept: "text/html" });
  });

  it("passes a request body in", async () => {
    const response = await handler(new Request("http://example.test/api/", { method: "POST", body: "hello body" }));
    expect(((await response.json()) as { body: string }).body).toBe("hello body");
  });

  it("streams a reply chunk by chunk, and cancelling runs the app's finally", async () => {
    const gate = deferred();
    let finished = false;
    const app: App = () => ({
      status: 200,
      headers: [["content-type", "text/plain"]],
      body: (async function* () {
        try {
          yield "first";
          await gate.promise;
          yield "second";
          yield "third";
        } finally {
          finished = true;
        }
      })(),
    });
    const response = await toFetchHandler(lint()(app))(new Request("http://x.test/"));
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe("first");
    gate.resolve();
    expect(decoder.decode((await reader.read()).value)).toBe("second");
    await reader.cancel();
    expect(finished).toBe(true);
  });

  it("aborts tsgi.signal when the Request's signal aborts", async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const app: App = (env) => new Promise((resolve) => {
      seen = env["tsgi.signal"];
      env["tsgi.signal"].addEventListener("abort", () => resolve({ status: 503, headers: [], body: "aborted" }));
    });
    const pending = toFetchHandler(lint()(app))(new Request("http://x.test/slow", { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen?.aborted).toBe(false);
    controller.abort();
    const response = await pending;
    expect(seen?.aborted).toBe(true);
    expect(await response.text()).toBe("aborted");
  });

  it("sends no body for HEAD and turns a throw into a 500 without leaking the message", async () => {
    const head = await handler(new Request("http://x.test/api/", { method: "HEAD" }));
    expect(head.status).toBe(201);
    expect(await head.text()).toBe("");
    const lines: string[] = [];
    const boom = toFetchHandler(() => { throw new Error("secret detail"); }, { errors: { write: (line) => lines.push(line) } });
    const failed = await boom(new Request("http://x.test/"));
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain("secret");
    expect(lines.join("\n")).toContain("secret detail");
  });
});

describe("toFetchHandler: tsgi.signal fires only before the reply is complete", () => {
  /** An app that records whether its tsgi.signal fired. */
  function watching(reply: (env: Parameters<App>[0]) => ReturnType<App>): { app: App; fired(): boolean | undefined } {
    let signal: AbortSignal | undefined;
    return {
      app: (env) => { signal = env["tsgi.signal"]; return reply(env); },
      fired: () => signal?.aborted,
    };
  }

  it("does not fire when the Request's signal aborts after a whole reply (as Deno does after every response)", async () => {
    const controller = new AbortController();
    const seen = watching(() => ({ status: 200, headers: [], body: "done" }));
    const response = await toFetchHandler(seen.app)(new Request("http://x.test/", { signal: controller.signal }));
    expect(await response.text()).toBe("done");
    controller.abort();
    expect(seen.fired()).toBe(false);
  });

  it("does not fire when the Request's signal aborts after a streamed reply finished", async () => {
    const controller = new AbortController();
    const seen = watching(() => ({ status: 200, headers: [], body: (async function* () { yield "a"; yield "b"; })() }));
    const response = await toFetchHandler(seen.app)(new Request("http://x.test/", { signal: controller.signal }));
    expect(await response.text()).toBe("ab");
    controller.abort();
    expect(seen.fired()).toBe(false);
  });

  it("fires when the Request's signal aborts while the reply still streams", async () => {
    const controller = new AbortController();
    const gate = deferred();
    const seen = watching(() => ({ status: 200, headers: [], body: (async function* () { yield "a"; await gate.promise; yield "b"; })() }));
    const response = await toFetchHandler(seen.app)(new Request("http://x.test/", { signal: controller.signal }));
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe("a");
    controller.abort();
    expect(seen.fired()).toBe(true);
    gate.resolve();
    await reader.cancel();
  });

  it("leaves request.signal untouched when the app never reads tsgi.signal (no listener; no Deno warning)", async () => {
    const request = new Request("http://x.test/");
    let touched = 0;
    const real = request.signal;
    Object.defineProperty(request, "signal", { get: () => { touched++; return real; } });
    const response = await toFetchHandler(() => ({ status: 200, headers: [], body: "x" }))(request);
    expect(await response.text()).toBe("x");
    expect(touched).toBe(0);
    await toFetchHandler((env) => ({ status: 200, headers: [], body: String(env["tsgi.signal"].aborted) }))(request);
    expect(touched).toBeGreaterThan(0);
  });

  it("is born aborted when the Request's signal had already aborted", async () => {
    const seen = watching(() => ({ status: 200, headers: [], body: "x" }));
    await toFetchHandler(seen.app)(new Request("http://x.test/", { signal: AbortSignal.abort() }));
    expect(seen.fired()).toBe(true);
  });
});

describe("toFetchHandler: the reply rules every server applies", () => {
  function bridged(app: App): { handler: (request: Request) => Promise<Response>; lines: string[] } {
    const log = memorySink();
    return { handler: toFetchHandler(app, { log, errors: log }), lines: log.lines };
  }

  it("answers a header value that would split the reply with the one 500 and one log line naming the header", async () => {
    const { handler, lines } = bridged(() => ({ status: 302, headers: [["location", "/next\u010d\u010aSet-Cookie: stolen=1"]], body: "" }));
    const response = await handler(new Request("http://x.test/go"));
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.text()).toBe("Internal Server Error\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/GET \/go: .*header location/);
  });

  it("answers a header name that is not a token, and a status outside 200-599, with the one 500", async () => {
    for (const reply of [
      { status: 200, headers: [["bad name", "x"]] as Array<[string, string]>, body: "" },
      { status: 101, headers: [], body: "" },
      { status: 600, headers: [], body: "" },
    ]) {
      const { handler, lines } = bridged(() => reply);
      const response = await handler(new Request("http://x.test/"));
      expect(response.status).toBe(500);
      expect(await response.text()).toBe("Internal Server Error\n");
      expect(lines).toHaveLength(1);
    }
  });

  it("gives a whole body its content-length and no content-type of its own; HEAD keeps GET's headers and sends no body", async () => {
    const { handler } = bridged(() => ({ status: 200, headers: [], body: "h\u00e9llo" }));
    const get = await handler(new Request("http://x.test/"));
    expect(get.headers.get("content-length")).toBe("6");
    expect(get.headers.get("content-type")).toBeNull();
    expect(await get.text()).toBe("h\u00e9llo");
    const head = await handler(new Request("http://x.test/", { method: "HEAD" }));
    expect(head.headers.get("content-length")).toBe("6");
    expect(head.body).toBeNull();
  });

  it("drops the body of a 204 and its content-length, and closes a streamed body it does not send", async () => {
    let closed = false;
    const body: Iterable<string> = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: false, value: "abc" }),
        return: () => { closed = true; return { done: true, value: undefined }; },
      }),
    };
    const { handler } = bridged(() => ({ status: 204, headers: [["content-length", "3"]], body }));
    const response = await handler(new Request("http://x.test/"));
    expect(response.status).toBe(204);
    expect(response.headers.get("content-length")).toBeNull();
    expect(response.body).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed).toBe(true);
  });

  it("answers a stream that fails before its first chunk with the one 500; one that fails later errors the body", async () => {
    const early = bridged(() => ({ status: 200, headers: [], body: (async function* () { throw new Error("no data"); })() }));
    const failed = await early.handler(new Request("http://x.test/"));
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("Internal Server Error\n");
    expect(early.lines).toHaveLength(1);
    expect(early.lines[0]).toContain("no data");
    const late = bridged(() => ({ status: 200, headers: [], body: (async function* () { yield "part"; throw new Error("broke midway"); })() }));
    const cut = await late.handler(new Request("http://x.test/"));
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow();
    expect(late.lines).toHaveLength(1);
    expect(late.lines[0]).toContain("cut short");
  });

  it("logs an app that throws to the bridge's log, not to tsgi.errors", async () => {
    const log = memorySink();
    const errors = memorySink();
    const response = await toFetchHandler(() => { throw new Error("kaboom"); }, { log, errors })(new Request("http://x.test/"));
    expect(response.status).toBe(500);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toContain("kaboom");
    expect(errors.lines).toEqual([]);
  });
});

describe("toFetchHandler: the client's address from the runtime", () => {
  const app: App = (env) => ({ status: 200, headers: [], body: `${env.REMOTE_ADDR}|${env.REMOTE_PORT ?? "-"}` });
  const handler = toFetchHandler(app);

  it("reads Deno's info.remoteAddr, Bun's server.requestIP and plain strings", async () => {
    const req = (): Request => new Request("http://x.test/");
    expect(await (await handler(req(), { remoteAddr: { hostname: "::1", port: 4321, transport: "tcp" } })).text()).toBe("::1|4321");
    expect(await (await handler(req(), { requestIP: () => ({ address: "10.1.2.3", port: 5555 }) })).text()).toBe("10.1.2.3|5555");
    expect(await (await handler(req(), { requestIP: () => null })).text()).toBe("|-");
    expect(await (await handler(req(), { remoteAddr: "192.0.2.1", remotePort: "80" })).text()).toBe("192.0.2.1|80");
    expect(await (await handler(req())).text()).toBe("|-");
  });

  it("answers a request without Host from the server's own address when the runtime says it, as every tsgi server does", async () => {
    const where = toFetchHandler((env) => ({ status: 200, headers: [], body: JSON.stringify([env.SERVER_NAME, env.SERVER_PORT, env.HTTP_HOST ?? null]) }));
    const ask = async (url: string, info?: Parameters<typeof where>[1], headers?: Record<string, string>): Promise<unknown> =>
      (await (await where(new Request(url, headers === undefined ? {} : { headers }), info)).json()) as unknown;
    expect(await ask("http://127.0.0.1/x", { localAddr: "127.0.0.1", localPort: "8080" })).toEqual(["127.0.0.1", "8080", null]);
    expect(await ask("http://localhost/x", { localAddr: "::1", localPort: "8080" })).toEqual(["[::1]", "8080", null]);
    expect(await ask("http://h.test:81/x", { localAddr: "127.0.0.1", localPort: "8080" }, { host: "h.test:81" })).toEqual(["h.test", "81", "h.test:81"]);
    expect(await ask("http://h.test:81/x")).toEqual(["h.test", "81", "h.test:81"]);
  });
});

describe("fromFetchHandler: a Fetch handler as a tsgi app", () => {
  it("carries status, repeated headers, every Set-Cookie and the request body", async () => {
    const app = fromFetchHandler(async (req) => {
      const headers = new Headers({ "content-type": "text/plain" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      headers.append("x-multi", "one");
      headers.append("x-multi", "two");
      return new Response(`${req.method} ${new URL(req.url).pathname}?${new URL(req.url).search.slice(1)} ${await req.text()} ${req.headers.get("x-token")}`, { status: 202, headers });
    });
    const reply = await request(app, "POST", "/mnt/items?q=%20a", { body: "payload", headers: { "x-token": "t" }, scriptName: "/mnt" });
    expect(reply.status).toBe(202);
    expect(reply.headerAll("set-cookie")).toEqual(["a=1", "b=2"]);
    expect(reply.header("x-multi")).toBe("one, two");
    expect(reply.text).toBe("POST /items?q=%20a payload t");
  });

  it("streams the Response body out as it is produced", async () => {
    const gate = deferred();
    const app = fromFetchHandler(() => new Response(new ReadableStream({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode("one"));
        await gate.promise;
        controller.enqueue(new TextEncoder().encode("two"));
        controller.close();
      },
    })));
    const reply = await lint()(app)((await import("tsgi/testing")).buildEnv("GET", "/"));
    const iterator = (reply.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    expect(decoder.decode((await iterator.next()).value as Uint8Array)).toBe("one");
    gate.resolve();
    expect(decoder.decode((await iterator.next()).value as Uint8Array)).toBe("two");
    expect((await iterator.next()).done).toBe(true);
  });

  it("aborts the Request when tsgi.signal fires", async () => {
    const controller = new AbortController();
    let requestSignal: AbortSignal | undefined;
    const app = fromFetchHandler((req) => new Promise((resolve) => {
      requestSignal = req.signal;
      req.signal.addEventListener("abort", () => resolve(new Response("gone", { status: 503 })));
    }));
    const pending = request(app, "GET", "/", { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const reply = await pending;
    expect(requestSignal?.aborted).toBe(true);
    expect(reply.status).toBe(503);
  });
});

describe("round trip: fromFetchHandler(toFetchHandler(app))", () => {
  it("answers exactly as the app does", async () => {
    const direct = await request(echo, "PUT", "/x/y?z=1", { body: "data", headers: { accept: "*/*" } });
    const bridged = await request(fromFetchHandler(toFetchHandler(echo)), "PUT", "/x/y?z=1", { body: "data", headers: { accept: "*/*" } });
    expect(bridged.status).toBe(direct.status);
    expect(bridged.headerAll("set-cookie")).toEqual(direct.headerAll("set-cookie"));
    expect(bridged.headerAll("x-multi").join(", ")).toBe("one, two");
    expect(bridged.json()).toEqual(direct.json());
  });
});
