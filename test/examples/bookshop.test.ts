import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeEach, describe, expect, it } from "vitest";
import { TestClient } from "tsgi/testing";
import { createBookshop } from "../../examples/bookshop-api/app.js";

const TOKEN = "s3cret-token";
const PROBLEM = "application/problem+json";
const auth = { authorization: `Bearer ${TOKEN}` };
const fellowship = { isbn: "9780261103573", title: "The Fellowship of the Ring", author: "J. R. R. Tolkien", year: 1954 };

describe("examples/bookshop-api", () => {
  let client: TestClient;
  beforeEach(() => {
    client = new TestClient(createBookshop({ tokens: { [TOKEN]: { id: "editor" } } }));
  });

  it("lists, searches and pages books under /v1", async () => {
    const all = await client.get("/v1/books");
    expect(all.status).toBe(200);
    expect(all.json()).toMatchObject({ page: 1, total: 3, items: [{ title: "Dune" }, { title: "Pride and Prejudice" }, { title: "The Hobbit" }] });
    expect((await client.get("/v1/books?q=tolkien")).json()).toMatchObject({ total: 1, items: [{ isbn: "9780547928227" }] });
    expect((await client.get("/v1/books?page=2&per_page=2")).json()).toMatchObject({ page: 2, total: 3, items: [{ title: "The Hobbit" }] });
  });

  it("answers bad input with 400 problem+json naming the field", async () => {
    const reply = await client.get("/v1/books?per_page=0");
    expect(reply.status).toBe(400);
    expect(reply.header("content-type")).toBe(PROBLEM);
    expect(reply.json()).toMatchObject({ "invalid-params": [{ in: "query", name: "per_page" }] });
    const isbn = await client.get("/v1/books/123");
    expect(isbn.status).toBe(400);
    expect(isbn.json()).toMatchObject({ "invalid-params": [{ in: "params", name: "isbn", reason: "13 digits" }] });
  });

  it("shows one book, and a missing one is a 404 problem+json for curl's Accept", async () => {
    expect((await client.get("/v1/books/9780441013593")).json()).toEqual({ isbn: "9780441013593", title: "Dune", author: "Frank Herbert", year: 1965 });
    const missing = await client.get("/v1/books/9780000000000", { headers: { accept: "*/*" } });
    expect(missing.status).toBe(404);
    expect(missing.header("content-type")).toBe(PROBLEM);
    const nowhere = await client.get("/v2/books", { headers: { accept: "*/*" } });
    expect(nowhere.status).toBe(404);
    expect(nowhere.header("content-type")).toBe(PROBLEM);
  });

  it("writes need a bearer token", async () => {
    const anonymous = await client.post("/v1/books", { body: fellowship });
    expect(anonymous.status).toBe(401);
    expect(anonymous.header("www-authenticate")).toBe('Bearer realm="bookshop"');
    const wrong = await client.post("/v1/books", { body: fellowship, headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect((await client.delete("/v1/books/9780441013593")).status).toBe(401);
    expect((await client.get("/v1/books/9780441013593")).status).toBe(200);
  });

  it("adds, changes and removes a book with the token", async () => {
    const created = await client.post("/v1/books", { body: fellowship, headers: auth });
    expect(created.status).toBe(201);
    expect(created.header("location")).toBe("/v1/books/9780261103573");
    expect(created.json()).toEqual(fellowship);
    const again = await client.post("/v1/books", { body: fellowship, headers: auth });
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({ status: 409, detail: "a book with ISBN 9780261103573 already exists" });
    const changed = await client.patch("/v1/books/9780261103573", { body: { year: 1955 }, headers: auth });
    expect(changed.json()).toMatchObject({ title: "The Fellowship of the Ring", year: 1955 });
    expect((await client.delete("/v1/books/9780261103573", { headers: auth })).status).toBe(204);
    expect((await client.get("/v1/books/9780261103573")).status).toBe(404);
    expect((await client.delete("/v1/books/9780261103573", { headers: auth })).status).toBe(404);
  });

  it("a malformed JSON body is a 400 problem+json naming the body", async () => {
    const reply = await client.post("/v1/books", { body: '{"isbn": "97802', headers: { ...auth, "content-type": "application/json" } });
    expect(reply.status).toBe(400);
    expect(reply.json()).toMatchObject({ "invalid-params": [{ in: "body", name: "" }] });
  });

  it("serves an OpenAPI 3.1 document that validates and matches the one checked into the docs", async () => {
    const reply = await client.get("/openapi.json");
    const document = reply.json<Record<string, unknown>>();
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    const checkedIn = JSON.parse(readFileSync("docs/framework/bookshop-openapi.json", "utf8")) as unknown;
    expect(document, "docs/framework/bookshop-openapi.json is out of date: regenerate it from GET /openapi.json").toEqual(checkedIn);
  });
});
