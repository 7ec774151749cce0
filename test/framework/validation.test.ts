import { describe, expect, it } from "vitest";
import { z } from "zod";
import { request } from "tsgi/testing";
import { createApp, UploadedFile } from "tsgi/framework";

const app = createApp();
app.get("/books/:isbn", {
  params: z.object({ isbn: z.string().regex(/^\d{3}-\d+$/, "an ISBN like 978-0") }),
  query: z.object({
    page: z.coerce.number().int().min(1).default(1),
    size: z.coerce.number().int().optional(),
    tags: z.array(z.string()).default([]),
  }),
}, (ctx) => ({ isbn: ctx.params.isbn, page: ctx.query.page, size: ctx.query.size ?? null, tags: ctx.query.tags }));
app.post("/books", {
  body: z.object({ title: z.string().min(1), year: z.number().int(), author: z.object({ name: z.string() }) }),
  headers: z.object({ "x-api-key": z.string().min(3) }),
  cookies: z.object({ session: z.string() }),
}, (ctx) => ({ title: ctx.body.title, year: ctx.body.year, author: ctx.body.author.name, key: ctx.headers["x-api-key"], session: ctx.cookies.session }));
app.post("/signup", { body: z.object({ name: z.string().min(1), age: z.coerce.number().int().min(0) }) }, (ctx) => ctx.body);
app.post("/upload", {
  body: z.object({ caption: z.string(), photo: z.instanceof(UploadedFile).refine((f) => f.type === "image/png", "must be a PNG") }),
  multipart: { maxFileBytes: 1000 },
}, (ctx) => ({ caption: ctx.body.caption, size: ctx.body.photo.size, name: ctx.body.photo.filename }));

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  "invalid-params": Array<{ in: string; name: string; reason: string }>;
}

describe("validated input", () => {
  it("reaches the handler parsed and typed", async () => {
    const reply = await request(app, "GET", "/books/978-0?page=3&tags=a");
    expect(reply.json()).toEqual({ isbn: "978-0", page: 3, size: null, tags: ["a"] });
    const json = await request(app, "POST", "/books", {
      body: { title: "Dune", year: 1965, author: { name: "Herbert" } },
      headers: { "x-api-key": "k3y", cookie: "session=s1" },
    });
    expect(json.json()).toEqual({ title: "Dune", year: 1965, author: "Herbert", key: "k3y", session: "s1" });
  });

  it("answers 400 problem+json naming every bad field", async () => {
    const reply = await request(app, "GET", "/books/nope?page=0&size=x");
    expect(reply.status).toBe(400);
    expect(reply.header("content-type")).toBe("application/problem+json");
    const problem = reply.json<Problem>();
    expect(problem.type).toBe("about:blank");
    expect(problem.title).toBe("Bad Request");
    expect(problem.status).toBe(400);
    expect(problem.detail).toBe("invalid request input: params.isbn, query.page, query.size");
    expect(problem["invalid-params"].map((p) => `${p.in}.${p.name}`)).toEqual(["params.isbn", "query.page", "query.size"]);
    expect(problem["invalid-params"][0]?.reason).toBe("an ISBN like 978-0");
  });

  it("names nested body fields, headers and cookies", async () => {
    const reply = await request(app, "POST", "/books", { body: { title: "", year: 1.5, author: {} } });
    const names = reply.json<Problem>()["invalid-params"].map((p) => `${p.in}.${p.name}`);
    expect(names).toEqual(["headers.x-api-key", "cookies.session", "body.title", "body.year", "body.author.name"]);
  });

  it("never turns an empty numeric query value into 0", async () => {
    expect((await request(app, "GET", "/books/978-0?page=")).json()).toMatchObject({ page: 1 });
    expect((await request(app, "GET", "/books/978-0?size=")).json()).toMatchObject({ size: null });
    const form = await request(app, "POST", "/signup", { form: { name: "ada", age: "" } });
    expect(form.status).toBe(400);
    expect(form.json<Problem>()["invalid-params"].map((p) => p.name)).toEqual(["age"]);
    expect((await request(app, "POST", "/signup", { form: { name: "ada", age: "36" } })).json()).toEqual({ name: "ada", age: 36 });
  });

  it("malformed JSON is a 400, an unexpected media type a 415, a missing body fails the schema", async () => {
    const bad = await request(app, "POST", "/signup", { body: "{nope", headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("not valid JSON");
    const xml = await request(app, "POST", "/signup", { body: "<a/>", headers: { "content-type": "application/xml" } });
    expect(xml.status).toBe(415);
    const none = await request(app, "POST", "/signup");
    expect(none.status).toBe(400);
    expect(none.json<Problem>()["invalid-params"]).toEqual([{ in: "body", name: "", reason: expect.any(String) }]);
  });

  it("validates multipart uploads with file limits", async () => {
    const boundary = "xyz";
    const part = (type: string, size: number): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nsunset\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="s.png"\r\nContent-Type: ${type}\r\n\r\n${"p".repeat(size)}\r\n--${boundary}--\r\n`;
    const headers = { "content-type": `multipart/form-data; boundary=${boundary}` };
    expect((await request(app, "POST", "/upload", { body: part("image/png", 10), headers })).json()).toEqual({ caption: "sunset", size: 10, name: "s.png" });
    const wrong = await request(app, "POST", "/upload", { body: part("image/gif", 10), headers });
    expect(wrong.json<Problem>()["invalid-params"]).toEqual([{ in: "body", name: "photo", reason: "must be a PNG" }]);
    const big = await request(app, "POST", "/upload", { body: part("image/png", 1001), headers });
    expect(big.status).toBe(413);
    expect(big.text).toContain('file "photo" exceeds the limit of 1000 bytes');
  });
});
