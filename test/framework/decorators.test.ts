import { describe, expect, it } from "vitest";
import { z } from "zod";
import { request } from "tsgi/testing";
import { controller, createApp, del, get, post, route, text, type RouteContext } from "tsgi/framework";

const bookBody = { body: z.object({ title: z.string().min(1) }) };

@controller("/books")
class Books {
  readonly shelf = new Map<string, string>([["1", "Dune"]]);

  @get("/", { name: "books" })
  list(): string[] {
    return [...this.shelf.values()];
  }

  @get("/:id", { name: "book" })
  show(ctx: RouteContext<"/:id">): unknown {
    return { id: ctx.params.id, title: this.shelf.get(ctx.params.id) ?? null, self: ctx.urlFor("book", { id: ctx.params.id }) };
  }

  @post("/", bookBody)
  create(ctx: RouteContext<"/", typeof bookBody>): unknown {
    const id = String(this.shelf.size + 1);
    this.shelf.set(id, ctx.body.title);
    ctx.status = 201;
    return { id };
  }

  @del("/:id")
  remove(ctx: RouteContext<"/:id">): null {
    this.shelf.delete(ctx.params.id);
    return null;
  }

  @get("/count")
  static count(): string {
    return text(`static ${this.name}`).body as string;
  }
}

@controller("/admin")
class AdminBooks extends Books {
  @route("PURGE", "/cache")
  purge(): string {
    return "purged";
  }
}

class Plain {
  @get("/plain/*rest")
  rest(ctx: RouteContext<"/plain/*rest">): string {
    return ctx.params.rest.join("+");
  }
}

describe("route decorators", () => {
  it("register controller methods with a class prefix, bound to one instance", async () => {
    const app = createApp().controller(Books);
    expect((await request(app, "GET", "/books")).json()).toEqual(["Dune"]);
    expect((await request(app, "POST", "/books", { body: { title: "Emma" } })).status).toBe(201);
    expect((await request(app, "GET", "/books/2")).json()).toEqual({ id: "2", title: "Emma", self: "/books/2" });
    expect((await request(app, "DELETE", "/books/2")).status).toBe(204);
    expect((await request(app, "GET", "/books/2")).json()).toMatchObject({ title: null });
  });

  it("validate through the same path as app.get", async () => {
    const app = createApp().controller(Books);
    const reply = await request(app, "POST", "/books", { body: { title: "" } });
    expect(reply.status).toBe(400);
    expect(reply.header("content-type")).toBe("application/problem+json");
  });

  it("support static methods, bound to the class", async () => {
    const app = createApp().controller(Books);
    expect((await request(app, "GET", "/books/count")).text).toBe("static Books");
  });

  it("accept an instance", async () => {
    const books = new Books();
    books.shelf.set("9", "Ulysses");
    const app = createApp().controller(books);
    expect((await request(app, "GET", "/books/9")).json()).toMatchObject({ title: "Ulysses" });
  });

  it("inherit routes into a subclass without leaking the subclass's into the parent", async () => {
    const child = createApp().controller(AdminBooks);
    expect(child.routes.map((r) => `${r.method} ${r.pattern}`).sort()).toEqual([
      "DELETE /admin/:id", "GET /admin", "GET /admin/:id", "GET /admin/count", "POST /admin", "PURGE /admin/cache",
    ]);
    expect((await request(child, "PURGE", "/admin/cache")).text).toBe("purged");
    expect((await request(child, "GET", "/admin/count")).text).toBe("static AdminBooks");
    const parent = createApp().controller(Books);
    expect(parent.routes.some((r) => r.method === "PURGE")).toBe(false);
    expect(parent.routes).toHaveLength(5);
  });

  it("work without a class prefix, and name the problem when there are no routes", async () => {
    const app = createApp().controller(Plain);
    expect((await request(app, "GET", "/plain/a/b")).text).toBe("a+b");
    class Empty {}
    expect(() => createApp().controller(Empty)).toThrow(/Empty has no route decorators/);
  });

  it("fail at registration for conflicting routes and bad prefixes", () => {
    expect(() => createApp().controller(Books).controller(Books)).toThrow(/conflicts/);
    expect(() => controller("books/")).toThrow(/starts with \/ and does not end with \//);
  });
});
