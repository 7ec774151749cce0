// Deliberately mistyped handlers. This directory is hidden from the project's tsc; types.test.ts
// compiles it alone and expects exactly the errors marked "expect TSxxxx" on the lines below.
import { z } from "zod";
import { createApp, get, post, type RouteContext } from "tsgi/framework";

const app = createApp();

app.get("/books/:isbn", (ctx) => ctx.params.id); // expect TS2339

app.get("/search", { query: z.object({ page: z.coerce.number() }) }, (ctx) => ctx.query.page.trim()); // expect TS2339

app.post("/books", { body: z.object({ title: z.string() }) }, (ctx) => {
  const year: number = ctx.body.title; // expect TS2322
  return year;
});

class Books {
  @get("/books/:isbn") // expect TS1241
  show(ctx: RouteContext<"/books/:id">): string {
    return ctx.params.id;
  }
}
app.controller(Books);

class Forgetful {
  @post("/notes", { body: z.object({ text: z.string() }) }) // expect TS1241
  create(ctx: RouteContext<"/notes">): string {
    return String(ctx.body);
  }
}
app.controller(Forgetful);
