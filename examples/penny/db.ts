/**
 * The few SQLite calls Penny makes, over whichever driver the runtime can load: bun:sqlite on Bun,
 * node:sqlite where the runtime has it (Deno, Node >= 22.5), else better-sqlite3 (Node 20, whose
 * native addon the other runtimes may not load). All three are synchronous, so Penny's code is the
 * same everywhere; `get` gives undefined for no row on every driver (bun:sqlite says null).
 *
 * @example
 * ```ts
 * const db = openDatabase("/tmp/penny.sqlite3");
 * db.exec("CREATE TABLE IF NOT EXISTS t (a)");
 * db.prepare("INSERT INTO t VALUES (?)").run(1);
 * ```
 */
import { createRequire } from "node:module";

export interface Statement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint };
}

/** A function run in one transaction; `.immediate` takes the write lock at the start (BEGIN IMMEDIATE). */
export type Transaction<A extends unknown[], R> = ((...args: A) => R) & { immediate(...args: A): R };

export interface Db {
  /** Which driver is underneath. */
  readonly driver: "bun:sqlite" | "node:sqlite" | "better-sqlite3";
  prepare(sql: string): Statement;
  exec(sql: string): void;
  /** `PRAGMA text`, e.g. `pragma("busy_timeout = 5000")`. */
  pragma(text: string): void;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R>;
  close(): void;
}

interface RawStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint };
}
interface RawDb {
  prepare(sql: string): RawStatement;
  exec(sql: string): unknown;
  close(): unknown;
}

const require = createRequire(import.meta.url);

function loadBuiltin(name: string): unknown {
  try {
    return require(name);
  } catch {
    return undefined;
  }
}

/** The driver for this runtime, opened on `file`. */
function openRaw(file: string): { raw: RawDb; driver: Db["driver"] } {
  if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined") {
    const { Database } = loadBuiltin("bun:sqlite") as { Database: new (file: string, options: { strict: boolean }) => RawDb };
    return { raw: new Database(file, { strict: true }), driver: "bun:sqlite" };
  }
  const nodeSqlite = loadBuiltin("node:sqlite") as { DatabaseSync: new (file: string) => RawDb } | undefined;
  if (nodeSqlite !== undefined) return { raw: new nodeSqlite.DatabaseSync(file), driver: "node:sqlite" };
  const Better = require("better-sqlite3") as new (file: string) => RawDb;
  return { raw: new Better(file), driver: "better-sqlite3" };
}

/** Opens (creating) the SQLite file with the runtime's driver. */
export function openDatabase(file: string): Db {
  const { raw, driver } = openRaw(file);
  const exec = (sql: string): void => { raw.exec(sql); };
  const wrap = <A extends unknown[], R>(fn: (...args: A) => R, begin: string) => (...args: A): R => {
    exec(begin);
    try {
      const result = fn(...args);
      exec("COMMIT");
      return result;
    } catch (error) {
      exec("ROLLBACK");
      throw error;
    }
  };
  return {
    driver,
    prepare(sql) {
      const statement = raw.prepare(sql);
      return {
        get: (...params) => statement.get(...params) ?? undefined,
        all: (...params) => statement.all(...params),
        run: (...params) => statement.run(...params),
      };
    },
    exec,
    pragma: (text) => exec(`PRAGMA ${text}`),
    transaction: (fn) => Object.assign(wrap(fn, "BEGIN"), { immediate: wrap(fn, "BEGIN IMMEDIATE") }),
    close: () => { raw.close(); },
  };
}
