/** An in-memory book store, seeded with a few books (each process has its own). */
import type { Book, BookPatch } from "./schemas.js";

export class BookStore {
  readonly #books = new Map<string, Book>();

  constructor(seed: readonly Book[] = SEED) {
    for (const book of seed) this.#books.set(book.isbn, { ...book });
  }

  list(q: string | undefined, page: number, perPage: number): { items: Book[]; page: number; total: number } {
    const needle = q?.toLowerCase();
    const all = [...this.#books.values()].filter((book) => needle === undefined
      || book.title.toLowerCase().includes(needle) || book.author.toLowerCase().includes(needle));
    all.sort((a, b) => a.title.localeCompare(b.title));
    return { items: all.slice((page - 1) * perPage, page * perPage), page, total: all.length };
  }

  get(isbn: string): Book | undefined {
    return this.#books.get(isbn);
  }

  /** Adds a book; false when the ISBN is taken. */
  add(book: Book): boolean {
    if (this.#books.has(book.isbn)) return false;
    this.#books.set(book.isbn, { ...book });
    return true;
  }

  update(isbn: string, patch: BookPatch): Book | undefined {
    const book = this.#books.get(isbn);
    if (book === undefined) return undefined;
    const updated: Book = { ...book };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) (updated as Record<string, unknown>)[key] = value;
    this.#books.set(isbn, updated);
    return updated;
  }

  remove(isbn: string): boolean {
    return this.#books.delete(isbn);
  }
}

const SEED: readonly Book[] = [
  { isbn: "9780441013593", title: "Dune", author: "Frank Herbert", year: 1965 },
  { isbn: "9780141439518", title: "Pride and Prejudice", author: "Jane Austen", year: 1813 },
  { isbn: "9780547928227", title: "The Hobbit", author: "J. R. R. Tolkien", year: 1937 },
];
