import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { controller, createApp, get, openApiDocument, post, type ContextOf } from "tsgi/framework";
import { request } from "tsgi/testing";

async function validate(document: unknown): Promise<{ valid: boolean; errors?: unknown; version?: string }> {
  const validator = new Validator();
  const result = await validator.validate(document as Record<string, unknown>);
  return { ...result, version: validator.version };
}

const Book = z.object({ isbn: z.string().min(10), title: z.string(), year: z.number().int().optional() });
const Tree: z.ZodType<{ name: string; children: unknown[] }> = z.object({ name: z.string(), get children() { return z.array(Tree); } });

const listBooks = get("/", { name: "list", query: z.object({ page: z.coerce.number().int().min(1).default(1), q: z.string().optional() }), response: z.array(Book), summary: "List books", tags: ["books"] });
const addBook = post("/", { name: "add", body: Book, response: Book, headers: z.object({ "x-request-id": z.string().optional(), "content-type": z.string() }) });

@controller("/books")
class Books {
  @listBooks list(ctx: ContextOf<typeof listBooks>) { return [{ isbn: "9780000000000", title: `page ${ctx.query.page}` }]; }
  @addBook add(ctx: ContextOf<typeof addBook>) { return ctx.body; }
  @get("/:isbn{/:format}", { name: "show", params: z.object({ isbn: z.string(), format: z.enum(["json", "txt"]).optional() }) })
  show() { return null; }
}

function bookshop() {
  const v1 = createApp().controller(Books);
  v1.get("/tree", { name: "tree", response: Tree }, () => ({ name: "root", children: [] }));
  v1.get("/files/*path", (ctx) => ctx.params.path);
  v1.delete("/books/:isbn", { cookies: z.object({ session: z.string() }) }, () => null);
  const app = createApp().mount("/v1", v1, { name: "v1" }).get("/health", () => "ok");
  app.openapi({
    path: "/openapi.json",
    info: { title: "Bookshop", version: "1.0.0" },
    servers: [{ url: "http://127.0.0.1:8000" }],
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    security: [{ bearer: [] }],
  });
  return app;
}

describe("OpenAPI 3.1", () => {
  it("is served at the chosen path and validates as OpenAPI 3.1", async () => {
    const reply = await request(bookshop(), "GET", "/openapi.json");
    expect(reply.status).toBe(200);
    expect(reply.header("content-type")).toBe("application/json");
    const document = reply.json<Record<string, unknown>>();
    const result = await validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(result.version).toBe("3.1");
    expect(document.openapi).toBe("3.1.0");
  });

  it("lists every route at its full path through mounts, with operation ids from route names", async () => {
    const document = openApiDocument(bookshop(), { info: { title: "t", version: "1" } }) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => `${method} ${path} ${op.operationId}`));
    expect(operations.sort()).toEqual([
      "delete /v1/books/{isbn} v1:delete_books_isbn",
      "get /health get_health",
      "get /openapi.json get_openapi_json",
      "get /v1/books v1:list",
      "get /v1/books/{isbn} v1:show_2",
      "get /v1/books/{isbn}/{format} v1:show",
      "get /v1/files/{path} v1:get_files_path",
      "get /v1/tree v1:tree",
      "post /v1/books v1:add",
    ]);
  });

  it("describes parameters, bodies and responses from the zod schemas", async () => {
    const document = (await request(bookshop(), "GET", "/openapi.json")).json<{
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, unknown> };
    }>();
    const list = document.paths["/v1/books"]?.get as { parameters: unknown[]; summary: string; tags: string[]; responses: Record<string, unknown> };
    expect(list.summary).toBe("List books");
    expect(list.tags).toEqual(["books"]);
    expect(list.parameters).toEqual([
      { name: "page", in: "query", required: false, schema: { default: 1, type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
      { name: "q", in: "query", required: false, schema: { type: "string" } },
    ]);
    expect(list.responses["200"]).toMatchObject({ content: { "application/json": { schema: { type: "array", items: { type: "object", required: ["isbn", "title"] } } } } });
    expect(list.responses["400"]).toMatchObject({ content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });
    const add = document.paths["/v1/books"]?.post as { parameters: unknown[]; requestBody: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> };
    expect(add.parameters).toEqual([{ name: "x-request-id", in: "header", required: false, schema: { type: "string" } }]);
    expect(Object.keys(add.requestBody.content)).toEqual(["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]);
    expect(add.requestBody.content["application/json"]?.schema).toMatchObject({ type: "object", properties: { isbn: { type: "string", minLength: 10 } } });
    expect(Object.keys(add.responses).sort()).toEqual(["2XX", "400", "default"]);
    const show = document.paths["/v1/books/{isbn}/{format}"]?.get as { parameters: unknown[] };
    expect(show.parameters).toEqual([
      { name: "isbn", in: "path", required: true, schema: { type: "string" } },
      { name: "format", in: "path", required: true, schema: { type: "string", enum: ["json", "txt"] } },
    ]);
    const remove = document.paths["/v1/books/{isbn}"]?.delete as { parameters: unknown[] };
    expect(remove.parameters).toEqual([
      { name: "isbn", in: "path", required: true, schema: { type: "string" } },
      { name: "session", in: "cookie", required: true, schema: { type: "string" } },
    ]);
    const tree = document.paths["/v1/tree"]?.get as { responses: { "200": { content: { "application/json": { schema: unknown } } } } };
    expect(tree.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/v1_tree_response" });
    expect(JSON.stringify(document.components.schemas.v1_tree_response)).toContain('"$ref":"#/components/schemas/v1_tree_response"');
  });

  it("refuses at registration a schema JSON Schema cannot express, naming the route, the part and the fix", () => {
    const app = createApp().openapi({ info: { title: "t", version: "1" } });
    expect(() => app.post("/events", { body: z.object({ at: z.date() }) }, () => null)).toThrow(
      /^route POST \/events: the body schema cannot be described in OpenAPI: Date cannot be represented in JSON Schema\. Use a JSON-representable type \(z\.iso\.datetime\(\) for a date/,
    );
    expect(app.routes.map((route) => route.pattern)).toEqual(["/openapi.json"]);
    expect(() => app.get("/len", { response: z.string().transform((text) => text.length) }, () => 1)).toThrow(/route GET \/len: the response schema cannot be described in OpenAPI: Transforms cannot be represented/);
  });

  it("checks routes registered before the call, and in apps mounted later", () => {
    const early = createApp().get("/when", { query: z.object({ at: z.date() }) }, () => "");
    expect(() => early.openapi({ info: { title: "t", version: "1" } })).toThrow(/route GET \/when: the query schema cannot be described/);
    const outer = createApp().openapi({ info: { title: "t", version: "1" } });
    const inner = createApp();
    outer.mount("/inner", inner);
    expect(() => inner.get("/x", { body: z.object({ at: z.date() }) }, () => "")).toThrow(/route GET \/x: the body schema cannot be described/);
  });

  it("unrepresentable: any describes such a part as any value", async () => {
    const app = createApp().openapi({ info: { title: "t", version: "1" }, unrepresentable: "any" });
    app.post("/events", { body: z.object({ at: z.date() }) }, () => null);
    const document = (await request(app, "GET", "/openapi.json")).json();
    expect((await validate(document)).valid).toBe(true);
  });

  it("the document route keeps an all-JSON app answering misses with problem+json", async () => {
    const app = createApp().get("/books", { response: z.array(Book) }, () => []).openapi({ info: { title: "t", version: "1" } });
    const miss = await request(app, "GET", "/nope", { headers: { accept: "*/*" } });
    expect(miss.status).toBe(404);
    expect(miss.header("content-type")).toBe("application/problem+json");
  });

  it("bad options name the fix", () => {
    expect(() => createApp().openapi({} as never)).toThrow(/info needs a title and a version/);
    expect(() => createApp().openapi({ info: { title: "t", version: "1" }, unrepresentable: "skip" as "any" })).toThrow(/unrepresentable must be "throw" or "any"/);
  });
});
