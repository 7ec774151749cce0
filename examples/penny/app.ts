/**
 * Penny's Books: a bookstore search built with `tsgi/framework` and the middleware, deployable unchanged
 * on every tsgi server — `tsgi serve examples/penny/app.ts` (HTTP), as CGI (`cgi.ts`), on FastCGI
 * behind nginx, on the pre-fork pool.
 *
 * - search form and results at pretty URLs (`/search/dune`), book pages at `/books/<isbn>`;
 * - books in SQLite, created and filled on first run in `PENNY_DATA_DIR` (default: the OS temp dir);
 * - a cookie remembering the last search;
 * - log in (server-side sessions + scrypt passwords + CSRF) to add a book at `/books/new`.
 *
 * Sessions live in the same SQLite file by default (shared by every process on the machine), or in
 * Redis with `PENNY_REDIS_URL` (shared by several machines: docs/deploy/scale-out.md).
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { factory, reasonPhrase, stack, type App, type Env, type Middleware, type Service } from "tsgi";
import { createApp, redirect, type Context } from "tsgi/framework";
import { formLogin, getUser, requireUser, safeRedirect, sessionUser, type LoginLimits } from "tsgi/middleware/auth";
import { compress } from "tsgi/middleware/compress";
import { csrf, csrfToken } from "tsgi/middleware/csrf";
import { errorPages } from "tsgi/middleware/error-pages";
import { logger } from "tsgi/middleware/logger";
import { DEFAULT_COST, hashPassword, passwordAuthenticator, verifyPassword, type ScryptCost } from "tsgi/middleware/password";
import { redisRateStore, type RateStore } from "tsgi/middleware/rate-limit";
import { redisStore } from "tsgi/middleware/redis-store";
import { securityHeaders } from "tsgi/middleware/security-headers";
import { getSession, sessions, type Store } from "tsgi/middleware/session";
import { staticFiles } from "tsgi/middleware/static";
import { Library } from "./library.js";
import { sqliteRateStore } from "./sqlite-rate-store.js";
import { sqliteStore } from "./sqlite-store.js";
import { addPage, bookPage, errorPage, home, loginPage, missingBook, results, type BookDraft, type Frame } from "./views.js";

/** How to run Penny. {@link optionsFromEnv} reads them from `PENNY_*` variables. */
export interface PennyOptions {
  /** Where the SQLite file lives (created on first run). */
  dataDir: string;
  /** Share sessions through Redis instead of the SQLite file. */
  redisUrl?: string | undefined;
  /** The shop keeper's login, created on first run. */
  user?: string;
  password?: string;
  /** scrypt cost for the keeper's password (tests lower it). Default OWASP's. */
  scryptCost?: ScryptCost;
  /** Write an access log line per request to tsgi.errors (for hosts that write none). Default false: `tsgi serve` writes the access log. */
  accessLog?: boolean;
  /** Where penny.css and friends are (default: public/ next to the source). */
  publicDir?: string | undefined;
  /** Session lifetime in seconds (idle). Default 8 hours. */
  sessionMaxAge?: number;
  /** Login attempt limits (per username and per client address); default formLogin's. */
  loginLimits?: Pick<LoginLimits, "perUser" | "perAddress">;
  /**
   * Check at start-up that `password` is the keeper's stored one, and warn when it is not (the
   * stored one, set on first run, stays in force). Default true; the CGI entry turns it off, since
   * its start-up runs per request and the check costs a scrypt.
   */
  checkPassword?: boolean;
  /** Where start-up warnings go. Default stderr. */
  warn?: (line: string) => void;
}

/**
 * Options from the environment: PENNY_DATA_DIR, PENNY_REDIS_URL, PENNY_USER, PENNY_PASSWORD,
 * PENNY_SCRYPT_LOGN, PENNY_ACCESS_LOG (1 adds the app's own access log to tsgi.errors), PENNY_PUBLIC_DIR.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): PennyOptions {
  const logN = env.PENNY_SCRYPT_LOGN === undefined ? undefined : Number(env.PENNY_SCRYPT_LOGN);
  return {
    dataDir: env.PENNY_DATA_DIR ?? join(tmpdir(), "tsgi-penny"),
    redisUrl: env.PENNY_REDIS_URL,
    user: env.PENNY_USER ?? "penny",
    password: env.PENNY_PASSWORD ?? DEMO_PASSWORD,
    ...(logN !== undefined ? { scryptCost: { ...DEFAULT_COST, logN } } : {}),
    // `tsgi serve` writes the access log itself (stdout or --access-log); the app's own is opt-in.
    accessLog: env.PENNY_ACCESS_LOG === "1",
    publicDir: env.PENNY_PUBLIC_DIR,
  };
}

const LAST_SEARCH = "penny_last";
/** The keeper's password when PENNY_PASSWORD is not set; the login page then says so. */
const DEMO_PASSWORD = "bookworm";
const MAX_TERMS = 100;

/**
 * The "add a book" form's schema. zod is imported on first use: it costs ~50–250 ms to load, which a
 * CGI process (one request per process) should only pay when it validates a form.
 */
async function bookSchema() {
  const { z } = await import("zod");
  return z.object({
    isbn: z.string().transform((s) => s.replace(/[-\s]/g, "").toUpperCase()).pipe(z.string().regex(/^(?:\d{9}[\dX]|\d{13})$/, "an ISBN has 10 or 13 digits")),
    title: z.string().trim().min(1, "the title is missing").max(200, "at most 200 characters"),
    author: z.string().trim().min(1, "the author is missing").max(200, "at most 200 characters"),
    year: z.string().trim().regex(/^(?:\d{1,4})?$/, "the year is a number like 1965").transform((s) => (s === "" ? null : Number(s))),
  });
}
let BookInput: ReturnType<typeof bookSchema> | undefined;

/** The directory of Penny's static files, next to the source (also when running from dist/). */
function publicDir(): string {
  const candidates = [new URL("./public/", import.meta.url), new URL("../../../examples/penny/public/", import.meta.url)];
  const found = candidates.map((url) => fileURLToPath(url)).find((path) => existsSync(path));
  if (found === undefined) throw new Error("Penny's public/ directory is missing: set PENNY_PUBLIC_DIR to examples/penny/public");
  return found;
}

/**
 * What the layout needs. The CSRF token (which creates a session) is only made for pages with a form
 * that posts: the login page, and every page once logged in (the logout button). Anonymous searches
 * leave no session behind.
 */
function frame(ctx: Context, postsForm = false): Frame {
  const env = ctx.env;
  const user = getUser(env)?.id;
  return { base: env.SCRIPT_NAME, user, flashes: getSession(env).flashes(), csrf: user !== undefined || postsForm ? csrfToken(env) : "" };
}

function text(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value : "";
}

/** What an error page outside the session shows: the user's name, but no flashes and no "Log out" form. */
function errorFrame(env: Env): Frame {
  return { base: env.SCRIPT_NAME, user: getUser(env)?.id, flashes: [], csrf: "" };
}

/** The framework app: pages and forms. Middleware around it provides sessions, login and CSRF. */
export function pennyPages(library: Library, loginHint?: string | (() => string | undefined)): App {
  const app = createApp();
  const hint = typeof loginHint === "function" ? loginHint : () => loginHint;
  const signedIn = requireUser({ loginPath: "/login" });

  app.notFound((ctx) => errorPage(frame(ctx), 404, "Not Found", `There is no page at ${ctx.env.SCRIPT_NAME}${ctx.path}.`));

  app.get("/", { name: "home" }, (ctx) => {
    const last = ctx.cookie(LAST_SEARCH);
    return home({ ...frame(ctx), lastSearch: last !== undefined && last !== "" && last.length <= MAX_TERMS ? last : undefined });
  });

  app.get("/search", (ctx) => {
    const terms = (ctx.searchParams.get("q") ?? "").trim().slice(0, MAX_TERMS);
    return redirect(terms === "" ? ctx.urlFor("home") : ctx.urlFor("results", { terms: terms.split("/") }), 303);
  });

  app.get("/search/*terms", { name: "results" }, (ctx) => {
    const terms = ctx.params.terms.join("/").slice(0, MAX_TERMS);
    ctx.setCookie(LAST_SEARCH, terms, {
      path: ctx.env.SCRIPT_NAME === "" ? "/" : ctx.env.SCRIPT_NAME, httpOnly: true, sameSite: "lax",
      secure: ctx.env["tsgi.url_scheme"] === "https", maxAge: 30 * 24 * 3600,
    });
    return results(frame(ctx), terms, library.search(terms));
  });

  app.get("/login", (ctx) => {
    const next = safeRedirect(ctx.searchParams.get("next"), "/");
    if (getUser(ctx.env) !== undefined) return redirect(ctx.env.SCRIPT_NAME + next, 303);
    return loginPage(frame(ctx, true), next, hint());
  });

  app.get("/books/new", { middleware: [signedIn] }, (ctx) => {
    return addPage(frame(ctx), { isbn: "", title: "", author: "", year: "" });
  });

  app.post("/books", async (ctx) => {
    const user = getUser(ctx.env);
    if (user === undefined) return redirect(`${ctx.env.SCRIPT_NAME}/login?next=${encodeURIComponent("/books/new")}`, 303);
    const form = await ctx.form();
    const draft: BookDraft = { isbn: text(form, "isbn"), title: text(form, "title"), author: text(form, "author"), year: text(form, "year") };
    const parsed = (await (BookInput ??= bookSchema())).safeParse(draft);
    if (!parsed.success) {
      const problems: Record<string, string> = {};
      for (const issue of parsed.error.issues) problems[String(issue.path[0])] ??= issue.message;
      ctx.status = 422;
      return addPage(frame(ctx), draft, problems);
    }
    if (!library.add(parsed.data, user.id)) {
      ctx.status = 409;
      return addPage(frame(ctx), draft, { isbn: "that ISBN is already in the shop" });
    }
    getSession(ctx.env).flash(`added “${parsed.data.title}”`);
    return redirect(ctx.urlFor("book", { isbn: parsed.data.isbn }), 303);
  });

  app.get("/books/:isbn", { name: "book" }, (ctx) => {
    const book = library.book(ctx.params.isbn);
    if (book === undefined) {
      ctx.status = 404;
      return missingBook(frame(ctx), ctx.params.isbn);
    }
    return bookPage(frame(ctx), book);
  });

  return app;
}

const passThrough: Middleware = (app) => app;

/**
 * Builds Penny: opens (or creates) the database, makes sure the keeper's account exists, and stacks
 * the middleware around the pages. The shutdown hook closes the database and the Redis connection.
 */
export async function createPenny(options: PennyOptions): Promise<Service> {
  const library = new Library(options.dataDir);
  const cost = options.scryptCost ?? DEFAULT_COST;
  const user = options.user ?? "penny";
  const password = options.password ?? DEMO_PASSWORD;
  const stored = library.account(user);
  let passwordMatches = true;
  if (stored === undefined) library.addAccount(user, await hashPassword(password, cost), ["keeper"]);
  else if (options.checkPassword !== false && !(await verifyPassword(password, stored.hash))) {
    passwordMatches = false;
    const given = options.password === undefined || options.password === DEMO_PASSWORD ? `the demo password "${DEMO_PASSWORD}" (PENNY_PASSWORD is not set)` : "PENNY_PASSWORD";
    (options.warn ?? ((line) => process.stderr.write(line + "\n")))(
      `penny: warning: ${given} does not match the stored password of the keeper "${user}" in ${library.file}, set when it was created; ` +
      `logging in takes the stored one. To start over with the new password, stop Penny and delete that file (or its "users" row).`,
    );
  }
  const redis = options.redisUrl !== undefined && options.redisUrl !== "" ? redisStore({ url: options.redisUrl, prefix: "penny:session:" }) : undefined;
  const store: Store = redis ?? sqliteStore(library);
  // Login attempts are counted where sessions live, so the limits hold across workers and machines.
  const rateRedis = options.redisUrl !== undefined && options.redisUrl !== "" ? redisRateStore({ url: options.redisUrl, prefix: "penny:rate:" }) : undefined;
  const attempts: RateStore = rateRedis ?? sqliteRateStore(library);
  const authenticate = passwordAuthenticator((name) => {
    const account = library.account(name);
    return account === undefined ? undefined : { user: { id: account.id, roles: account.roles }, hash: account.hash };
  }, cost);

  const app = stack(
    options.accessLog === true ? logger() : passThrough,
    securityHeaders(),
    compress(),
    staticFiles({ root: options.publicDir ?? publicDir(), prefix: "/static", maxAge: 3600 }),
    errorPages({ replaceText: true, render: (info) => String(errorPage(errorFrame(info.env), info.status, reasonPhrase(info.status), info.message)) }),
    sessions({ store, maxAge: options.sessionMaxAge ?? 8 * 3600, cookie: { name: "penny_session" } }),
    csrf(),
    sessionUser({ load: (id) => { const account = library.account(id); return account === undefined ? undefined : { id: account.id, roles: account.roles }; } }),
    formLogin({ authenticate, redirect: "/", limits: { store: attempts, ...options.loginLimits } }),
    pennyPages(library, password === DEMO_PASSWORD && passwordMatches ? `Demo login: ${user} / ${DEMO_PASSWORD}` : undefined),
  );
  return {
    app,
    // Connect to Redis before the first request; if it is down, boot anyway: session pages answer 503
    // until it is back (the store reconnects by itself).
    startup: async () => {
      await redis?.connect().catch((error: unknown) => process.stderr.write(`penny: redis is not reachable yet: ${(error as Error).message}\n`));
    },
    shutdown: async () => {
      await redis?.close();
      await rateRedis?.close();
      library.close();
    },
  };
}

/** `tsgi serve examples/penny/app.ts`: options from PENNY_* variables. */
export default factory(async () => createPenny(optionsFromEnv()));
