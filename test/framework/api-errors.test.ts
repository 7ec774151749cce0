import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp, html, status } from "tsgi/framework";
import { request } from "tsgi/testing";

const PROBLEM = "application/problem+json";

describe("notFound()", () => {
  it("answers paths no route or mount matches, with 404 unless it says otherwise", async () => {
    const app = createApp().get("/books/:id", () => ({}));
    app.notFound((ctx) => html(`<h1>No page at ${ctx.path}</h1>`, { status: 404 }));
    const reply = await request(app, "GET", "/nowhere");
    expect(reply.status).toBe(404);
    expect(reply.text).toBe("<h1>No page at /nowhere</h1>");
    const plain = createApp().get("/", () => "").notFound(() => "a string reply keeps the 404");
    expect((await request(plain, "GET", "/x")).status).toBe(404);
  });

  it("falls back to the default 404 when it returns undefined, and is not called for 405 or a handler's own 404", async () => {
    const calls: string[] = [];
    const app = createApp().get("/only-get", () => "x").notFound((ctx) => {
      calls.push(ctx.path);
      return undefined;
    });
    expect((await request(app, "GET", "/x")).status).toBe(404);
    expect((await request(app, "POST", "/only-get")).status).toBe(405);
    expect(calls).toEqual(["/x"]);
  });

  it("HEAD of a miss gets the hook's status without a body", async () => {
    const app = createApp().get("/", () => "").notFound(() => "missing");
    const reply = await request(app, "HEAD", "/x");
    expect(reply.status).toBe(404);
    expect(reply.bytes.byteLength).toBe(0);
  });
});

describe("onError()", () => {
  it("a value returned without a status keeps the error's status", async () => {
    const app = createApp().get("/", () => {
      throw Object.assign(new Error("teapot"), { status: 418, expose: true });
    }).onError((error) => `<p>${(error as Error).message}</p>`);
    const reply = await request(app, "GET", "/");
    expect(reply.status).toBe(418);
    expect(reply.text).toBe("<p>teapot</p>");
  });
});

describe("problem+json for APIs", () => {
  const book = z.object({ id: z.number(), title: z.string() });

  it("a route with a response schema answers errors as problem+json whatever the Accept", async () => {
    const app = createApp();
    app.get("/books/:id", { response: book }, () => {
      throw Object.assign(new Error("no such book"), { status: 404, expose: true });
    });
    app.get("/page", () => {
      throw Object.assign(new Error("no such page"), { status: 404, expose: true });
    });
    const api = await request(app, "GET", "/books/1", { headers: { accept: "*/*" } });
    expect(api.status).toBe(404);
    expect(api.header("content-type")).toBe(PROBLEM);
    expect(api.json()).toEqual({ type: "about:blank", title: "Not Found", status: 404, detail: "no such book" });
    const page = await request(app, "GET", "/page", { headers: { accept: "*/*" } });
    expect(page.header("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("an app whose routes all declare JSON answers misses (404, 405) as problem+json; a mixed app negotiates", async () => {
    const api = createApp().get("/books", { response: z.array(book) }, () => []);
    const miss = await request(api, "GET", "/nope");
    expect(miss.header("content-type")).toBe(PROBLEM);
    expect(miss.json()).toMatchObject({ status: 404, title: "Not Found" });
    const wrongMethod = await request(api, "DELETE", "/books");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.header("content-type")).toBe(PROBLEM);
    expect(wrongMethod.header("allow")).toBe("GET, HEAD, OPTIONS");
    const mixed = createApp().get("/books", { response: z.array(book) }, () => []).get("/", () => "home");
    expect((await request(mixed, "GET", "/nope")).header("content-type")).toBe("text/plain; charset=utf-8");
    expect((await request(mixed, "GET", "/nope", { headers: { accept: "application/json" } })).header("content-type")).toBe(PROBLEM);
  });

  it("errorFormat: problem+json always, accept never forces it", async () => {
    const always = createApp({ errorFormat: "problem+json" }).get("/", () => "home");
    expect((await request(always, "GET", "/nope")).header("content-type")).toBe(PROBLEM);
    const negotiated = createApp({ errorFormat: "accept" }).get("/b", { response: book }, () => {
      throw new Error("hidden");
    });
    const reply = await request(negotiated, "GET", "/b");
    expect(reply.status).toBe(500);
    expect(reply.header("content-type")).toBe("text/plain; charset=utf-8");
    expect(reply.text).not.toContain("hidden");
    expect(() => createApp({ errorFormat: "json" as "auto" })).toThrow(/errorFormat must be "auto", "problem\+json" or "accept"/);
  });
});

describe("malformed bodies", () => {
  const app = createApp();
  app.post("/books", { body: z.object({ title: z.string() }) }, (ctx) => ctx.body);
  app.post("/raw", async (ctx) => ({ got: await ctx.json() }));

  it("malformed JSON for a body schema is a 400 problem+json naming the body", async () => {
    const reply = await request(app, "POST", "/books", { body: '{"title": ', headers: { "content-type": "application/json", accept: "text/html" } });
    expect(reply.status).toBe(400);
    expect(reply.header("content-type")).toBe(PROBLEM);
    const problem = reply.json<{ "invalid-params": Array<{ in: string; name: string; reason: string }>; detail: string }>();
    expect(problem["invalid-params"]).toHaveLength(1);
    expect(problem["invalid-params"][0]).toMatchObject({ in: "body", name: "" });
    expect(problem["invalid-params"][0]?.reason).toMatch(/not valid JSON/);
    expect(problem.detail).toMatch(/^invalid request input: body: request body is not valid JSON/);
  });

  it("ctx.json() on malformed JSON gives the same problem", async () => {
    const reply = await request(app, "POST", "/raw", { body: "nope", headers: { "content-type": "application/json" } });
    expect(reply.status).toBe(400);
    expect(reply.header("content-type")).toBe(PROBLEM);
    expect(reply.json()).toMatchObject({ "invalid-params": [{ in: "body", name: "" }] });
  });

  it("a malformed multipart form is a 400 problem+json naming the body", async () => {
    const reply = await request(app, "POST", "/books", {
      body: "--xyz\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--xyz--\r\n",
      headers: { "content-type": "multipart/form-data; boundary=xyz" },
    });
    expect(reply.status).toBe(400);
    expect(reply.header("content-type")).toBe(PROBLEM);
    expect(reply.json()).toMatchObject({ "invalid-params": [{ in: "body", name: "", reason: expect.stringMatching(/no name/) as unknown }] });
  });

  it("a body over the limit stays a 413", async () => {
    const small = createApp({ bodyLimit: 4 }).post("/x", { body: z.object({}) }, () => "x");
    const reply = await request(small, "POST", "/x", { body: { long: "enough" } });
    expect(reply.status).toBe(413);
  });
});

describe("null and undefined from handlers", () => {
  const app = createApp();
  const rows = new Map([["1", { id: 1 }]]);
  app.get("/rows/:id", (ctx) => rows.get(ctx.params.id) ?? null);
  app.get("/forgot", () => undefined);
  app.get("/empty", (ctx) => {
    ctx.status = 204;
    return null;
  });
  app.get("/helper", () => status(204));
  app.delete("/rows/:id", () => null);
  app.post("/async", async () => undefined);

  it("a GET handler's null or undefined is a 404, never a silent 204", async () => {
    expect((await request(app, "GET", "/rows/1")).json()).toEqual({ id: 1 });
    const missing = await request(app, "GET", "/rows/2");
    expect(missing.status).toBe(404);
    expect(missing.text).toBe("nothing here: /rows/2\n");
    expect((await request(app, "GET", "/forgot")).status).toBe(404);
    expect((await request(app, "HEAD", "/rows/2")).status).toBe(404);
  });

  it("an explicit 204 (ctx.status or status(204)) stays, and other methods keep 204", async () => {
    expect((await request(app, "GET", "/empty")).status).toBe(204);
    expect((await request(app, "GET", "/helper")).status).toBe(204);
    expect((await request(app, "DELETE", "/rows/1")).status).toBe(204);
    expect((await request(app, "POST", "/async")).status).toBe(204);
  });

  it("in development the 404 is explained in the log", async () => {
    const dev = createApp({ development: true }).get("/forgot", () => undefined);
    const reply = await request(dev, "GET", "/forgot");
    expect(reply.status).toBe(404);
    expect(reply.logs.join("\n")).toMatch(/GET \/forgot returned undefined: answered 404 \(return status\(204\)/);
  });
});

describe("development", () => {
  const boom = (): never => {
    throw new Error("kaput at line 3");
  };

  it("env tsgi.development turns on the development page when the option is not given", async () => {
    const app = createApp().get("/", boom);
    const dev = await request(app, "GET", "/", { env: { "tsgi.development": true } });
    expect(dev.status).toBe(500);
    expect(dev.header("content-type")).toBe("text/html; charset=utf-8");
    expect(dev.text).toContain("kaput at line 3");
    const prod = await request(app, "GET", "/");
    expect(prod.text).not.toContain("kaput");
  });

  it("an explicit development: false wins over the env", async () => {
    const app = createApp({ development: false }).get("/", boom);
    expect((await request(app, "GET", "/", { env: { "tsgi.development": true } })).text).not.toContain("kaput");
  });

  it("a JSON route in development gets problem+json with the stack as detail", async () => {
    const app = createApp({ development: true }).get("/", { response: z.object({}) }, boom);
    const reply = await request(app, "GET", "/");
    expect(reply.header("content-type")).toBe(PROBLEM);
    expect(reply.json<{ detail: string }>().detail).toContain("kaput at line 3");
  });
});
