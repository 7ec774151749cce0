/** The bookshop's data shapes, as zod schemas: they validate input and describe the OpenAPI document. */
import { z } from "zod";

/** A book as the API answers it. */
export const Book = z.object({
  isbn: z.string().regex(/^\d{13}$/, "13 digits").meta({ description: "ISBN-13, digits only" }),
  title: z.string().min(1).max(200),
  author: z.string().min(1).max(200),
  year: z.number().int().min(1450).max(2100).optional(),
}).meta({ id: "Book" });
export type Book = z.infer<typeof Book>;

/** What a client sends to change a book (every field optional). */
export const BookPatch = Book.omit({ isbn: true }).partial().meta({ id: "BookPatch" });
export type BookPatch = z.infer<typeof BookPatch>;

/** `?q=&page=&per_page=` for the list. */
export const ListQuery = z.object({
  q: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});

/** A page of books. */
export const BookPage = z.object({ items: z.array(Book), page: z.number().int(), total: z.number().int() });

/** The `:isbn` path parameter. */
export const IsbnParams = z.object({ isbn: Book.shape.isbn });
