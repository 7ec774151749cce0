/**
 * Penny's SQLite database, through db.ts (better-sqlite3 on Node 20: maintained, synchronous, and its
 * prebuilt binary installs without a download here; bun:sqlite on Bun; node:sqlite where present).
 * Created and filled on first open; safe when several processes (pool workers, CGI requests) open it at once: WAL mode, a busy timeout, idempotent schema and seed.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openDatabase, type Db } from "./db.js";
import { SEED_BOOKS, type Book } from "./books.js";

export interface Account {
  id: string;
  roles: readonly string[];
  hash: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS books (
  isbn TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  author TEXT NOT NULL,
  year INTEGER,
  added_by TEXT
);
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  roles TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
CREATE TABLE IF NOT EXISTS rate_hits (
  key TEXT NOT NULL,
  window INTEGER NOT NULL,
  count INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key, window)
);
`;

/** `%`, `_` and `\` are literal in a search. */
const likeEscape = (word: string): string => word.replace(/[\\%_]/g, (c) => "\\" + c);

/** The database: books, users and (for the default stores) sessions and login-attempt counts. */
export class Library {
  readonly db: Db;
  /** The SQLite file. */
  readonly file: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, "penny.sqlite3");
    this.db = openDatabase(this.file);
    this.db.pragma("busy_timeout = 5000"); // first: other processes may be creating the file right now
    this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
    if (this.db.prepare("SELECT 1 FROM books LIMIT 1").get() !== undefined) return; // filled on an earlier run
    const insert = this.db.prepare("INSERT OR IGNORE INTO books (isbn, title, author, year) VALUES (@isbn, @title, @author, @year)");
    this.db.transaction(() => { for (const book of SEED_BOOKS) insert.run(book); })();
  }

  /** Books whose title or author contains every word of `terms`, at most `limit`. */
  search(terms: string, limit = 50): Book[] {
    const words = terms.split(/\s+/).filter((word) => word !== "").slice(0, 8);
    if (words.length === 0) return [];
    const where = words.map(() => "(title LIKE ? ESCAPE '\\' OR author LIKE ? ESCAPE '\\')").join(" AND ");
    const args = words.flatMap((word) => [`%${likeEscape(word)}%`, `%${likeEscape(word)}%`]);
    return this.db.prepare(`SELECT isbn, title, author, year FROM books WHERE ${where} ORDER BY title LIMIT ${Math.floor(limit)}`).all(...args) as Book[];
  }

  book(isbn: string): Book | undefined {
    return this.db.prepare("SELECT isbn, title, author, year FROM books WHERE isbn = ?").get(isbn) as Book | undefined;
  }

  /** Adds a book; false when the ISBN is already there. */
  add(book: Book, addedBy: string): boolean {
    const result = this.db.prepare("INSERT OR IGNORE INTO books (isbn, title, author, year, added_by) VALUES (?, ?, ?, ?, ?)")
      .run(book.isbn, book.title, book.author, book.year, addedBy);
    return result.changes === 1;
  }

  account(name: string): Account | undefined {
    const row = this.db.prepare("SELECT name, hash, roles FROM users WHERE name = ?").get(name) as { name: string; hash: string; roles: string } | undefined;
    return row === undefined ? undefined : { id: row.name, hash: row.hash, roles: row.roles === "" ? [] : row.roles.split(",") };
  }

  hasAccount(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM users WHERE name = ?").get(name) !== undefined;
  }

  /** Creates the account unless it exists (another process may have just made it). */
  addAccount(name: string, hash: string, roles: readonly string[]): void {
    this.db.prepare("INSERT OR IGNORE INTO users (name, hash, roles) VALUES (?, ?, ?)").run(name, hash, roles.join(","));
  }

  close(): void {
    this.db.close();
  }
}
