/**
 * The bookshop's controllers: reads are public, writes need a bearer token (the middleware is given
 * to `app.controller(BookAdmin, { middleware })` in app.ts). Each decorator is kept in a constant so
 * `ContextOf` types the method from it: the path and options are written once.
 */
import { controller, del, get, HttpError, patch, post, type ContextOf } from "tsgi/framework";
import { Book, BookPage, BookPatch, IsbnParams, ListQuery } from "./schemas.js";
import type { BookStore } from "./store.js";

const list = get("/", { name: "books", query: ListQuery, response: BookPage, summary: "List and search books", tags: ["books"] });
const show = get("/:isbn", { name: "book", params: IsbnParams, response: Book, summary: "One book", tags: ["books"] });

@controller("/books")
export class Books {
  constructor(private readonly store: BookStore) {}

  @list
  list(ctx: ContextOf<typeof list>) {
    return this.store.list(ctx.query.q, ctx.query.page, ctx.query.per_page);
  }

  @show
  show(ctx: ContextOf<typeof show>) {
    return this.store.get(ctx.params.isbn) ?? null; // null from a GET: 404 problem+json
  }
}

const add = post("/", { name: "add-book", body: Book, response: Book, summary: "Add a book (bearer token)", tags: ["admin"] });
const change = patch("/:isbn", { name: "change-book", params: IsbnParams, body: BookPatch, response: Book, summary: "Change a book (bearer token)", tags: ["admin"] });
const remove = del("/:isbn", { name: "remove-book", params: IsbnParams, summary: "Remove a book (bearer token)", tags: ["admin"] });

@controller("/books")
export class BookAdmin {
  constructor(private readonly store: BookStore) {}

  @add
  add(ctx: ContextOf<typeof add>) {
    if (!this.store.add(ctx.body)) throw new HttpError(409, `a book with ISBN ${ctx.body.isbn} already exists`);
    ctx.status = 201;
    ctx.setHeader("location", ctx.urlFor("book", { isbn: ctx.body.isbn }));
    return ctx.body;
  }

  @change
  change(ctx: ContextOf<typeof change>) {
    const book = this.store.update(ctx.params.isbn, ctx.body);
    if (book === undefined) throw new HttpError(404, `no book with ISBN ${ctx.params.isbn}`);
    return book;
  }

  @remove
  remove(ctx: ContextOf<typeof remove>) {
    if (!this.store.remove(ctx.params.isbn)) throw new HttpError(404, `no book with ISBN ${ctx.params.isbn}`);
    return null; // 204
  }
}
