/**
 * Bookshop API: a JSON API written with `@controller` and the verb decorators, zod input, path
 * params, a `/v1` mount, bearer-token auth on writes and an OpenAPI 3.1 document at /openapi.json.
 *
 *   BOOKSHOP_TOKENS=s3cret npx tsgi serve examples/bookshop-api/app.ts
 *   curl http://127.0.0.1:8000/v1/books?q=dune
 *   curl -H 'authorization: Bearer s3cret' -H 'content-type: application/json' \
 *        -d '{"isbn":"9780261103573","title":"The Fellowship of the Ring","author":"J. R. R. Tolkien"}' \
 *        http://127.0.0.1:8000/v1/books
 */
import { createApp, type FrameworkApp } from "tsgi/framework";
import { bearerAuth, tokenTable, type User } from "tsgi/middleware/auth";
import { BookAdmin, Books } from "./books.js";
import { BookStore } from "./store.js";

/** Options of {@link createBookshop}. */
export interface BookshopOptions {
  /** Bearer tokens allowed to write, each with its user. */
  tokens: Record<string, User>;
  store?: BookStore;
}

/** Reads `BOOKSHOP_TOKENS` (comma-separated tokens; each one's user is "editor-N"). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): BookshopOptions {
  const tokens: Record<string, User> = {};
  (env.BOOKSHOP_TOKENS ?? "").split(",").map((token) => token.trim()).filter((token) => token !== "")
    .forEach((token, index) => { tokens[token] = { id: `editor-${index + 1}` }; });
  return { tokens };
}

/** Builds the bookshop: the v1 API mounted at /v1 and the OpenAPI document at /openapi.json. */
export function createBookshop(options: BookshopOptions): FrameworkApp {
  const store = options.store ?? new BookStore();
  const auth = bearerAuth({ verify: tokenTable(options.tokens), realm: "bookshop" });
  const v1 = createApp({ errorFormat: "problem+json" })
    .controller(new Books(store))
    .controller(new BookAdmin(store), { middleware: [auth] });
  return createApp({ errorFormat: "problem+json" })
    .mount("/v1", v1, { name: "v1" })
    .openapi({
      path: "/openapi.json",
      info: { title: "Bookshop API", version: "1.0.0", description: "Reads are public; adding, changing and removing books needs a bearer token." },
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    });
}

export default createBookshop(optionsFromEnv());
