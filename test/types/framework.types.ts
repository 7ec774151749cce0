/**
 * Type-level tests, checked by `npx tsc -p tsconfig.json` (this file is in the project; it never runs).
 * Each `@ts-expect-error` marks a mistake the types must catch; tsc fails if it stops being an error.
 * The deliberately wrong fixture in .fixtures/ is compiled by test/types/types.test.ts.
 */
import { z } from "zod";
import { controller, createApp, get, post, type Context, type ContextOf, type InputOf, type PathParams, type RouteContext } from "tsgi/framework";
import type { App, Middleware } from "tsgi";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

// Path parameters are read from the pattern's literal type.
expectType<Equal<PathParams<"/books/:isbn">, { isbn: string }>>();
expectType<Equal<PathParams<"/books/:isbn{/:page}">, { isbn: string; page?: string }>>();
expectType<Equal<PathParams<"/files/*path">, { path: string[] }>>();
expectType<Equal<PathParams<"/r/:from-:to.:ext">, { from: string; to: string; ext: string }>>();
expectType<Equal<PathParams<"/v{/:major{.:minor}}">, { major?: string; minor?: string }>>();
expectType<Equal<keyof PathParams<"/">, never>>();

const app = createApp();
const asApp: App = app;
void asApp;

app.get("/books/:isbn", (ctx) => {
  expectType<Equal<typeof ctx.params.isbn, string>>();
  // @ts-expect-error: no such parameter in the pattern
  return ctx.params.page;
});

const query = z.object({ page: z.coerce.number().int().default(1), q: z.string().optional() });
const body = z.object({ title: z.string(), tags: z.array(z.string()) });
app.post("/books/:id", { query, body, params: z.object({ id: z.coerce.number() }) }, (ctx) => {
  expectType<Equal<typeof ctx.query.page, number>>();
  expectType<Equal<typeof ctx.query.q, string | undefined>>();
  expectType<Equal<typeof ctx.body, { title: string; tags: string[] }>>();
  expectType<Equal<typeof ctx.params.id, number>>();
  // @ts-expect-error: page is a number, not a string
  ctx.query.page.toUpperCase();
  // @ts-expect-error: the body schema has no author
  return ctx.body.author;
});

app.get("/plain", (ctx) => {
  expectType<Equal<typeof ctx.body, undefined>>();
  expectType<Equal<typeof ctx.query, Record<string, string | string[]>>>();
  return ctx.path;
});

// @ts-expect-error: a handler must take the context, not a number
app.get("/wrong", (n: number) => n + 1);

expectType<Equal<InputOf<"/a/:b", { name: "x" }>["params"], { b: string }>>();

@controller("/books")
class Books {
  @get("/:isbn")
  show(ctx: RouteContext<"/:isbn">): string {
    return ctx.params.isbn;
  }

  @post("/", { body })
  create(ctx: Context<InputOf<"/", { body: typeof body }>>): number {
    return ctx.body.tags.length;
  }

  // @ts-expect-error: the method expects a parameter the route does not bind
  @get("/:isbn/pages")
  pages(ctx: RouteContext<"/:isbn/:page">): string {
    return ctx.params.page;
  }
}
app.controller(Books);

// ContextOf reads the context type from a decorator kept in a constant: nothing repeated.
const showNote = get("/notes/:id{/:format}", { query: z.object({ page: z.coerce.number().default(1) }) });
const addNote = post("/notes", { body: z.object({ text: z.string() }) });
class Notes {
  @showNote
  show(ctx: ContextOf<typeof showNote>) {
    expectType<Equal<typeof ctx.params, { id: string; format?: string }>>();
    expectType<Equal<typeof ctx.query.page, number>>();
    return ctx.params.id;
  }

  @addNote
  add(ctx: ContextOf<typeof addNote>) {
    expectType<Equal<typeof ctx.body, { text: string }>>();
    // @ts-expect-error: the body schema has no title
    return ctx.body.title;
  }
}
createApp().controller(Notes);

// Route middleware, mount options and hooks are typed.
const passThrough: Middleware = (inner) => inner;
createApp()
  .use(passThrough)
  .use("/admin", passThrough)
  .get("/m", { middleware: [passThrough], response: z.object({ ok: z.boolean() }), summary: "m", tags: ["t"] }, () => ({ ok: true }))
  .mount("/api", createApp(), { name: "api", middleware: [passThrough] })
  .notFound((ctx) => ctx.path)
  .onError((error) => String(error));
// @ts-expect-error: middleware is a list
createApp().get("/bad", { middleware: passThrough }, () => "");
