import { describe, expect, it } from "vitest";
import { readText, type App } from "tsgi";
import { fromFetchHandler, toFetchHandler } from "tsgi/fetch";
import { lint } from "tsgi/lint";
import { request } from "tsgi/testing";

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
    expect(reply.text).toBe("POST /mnt/items?q=%20a payload t");
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
