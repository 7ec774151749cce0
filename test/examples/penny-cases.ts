// The Penny scenario, the same on every server: a small cookie-keeping "browser" over any transport
// (the in-process test client, or fetch against a real server), and the cases it walks through.
import { expect, it } from "vitest";

export interface Answer {
  status: number;
  header(name: string): string | undefined;
  setCookies: string[];
  text: string;
}

/** Sends one request; `path` includes the query. No redirects are followed. */
export type Transport = (method: string, path: string, init: { headers: Record<string, string>; form?: Record<string, string> }) => Promise<Answer>;

/** A transport over fetch to a running server at `base` (e.g. http://127.0.0.1:8080/penny). */
export function fetchTransport(base: () => string): Transport {
  return async (method, path, init) => {
    const headers = { ...init.headers };
    let body: string | undefined;
    if (init.form !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(base() + path, { method, headers, redirect: "manual", ...(body !== undefined ? { body } : {}) });
    return { status: response.status, header: (name) => response.headers.get(name) ?? undefined, setCookies: response.headers.getSetCookie(), text: await response.text() };
  };
}

/** Keeps cookies like a browser (by name; expired ones dropped) and finds CSRF tokens in pages. */
export class Browser {
  readonly cookies = new Map<string, string>();
  token = "";

  constructor(readonly send: Transport, readonly prefix = "") {}

  async go(method: string, path: string, form?: Record<string, string>, extra: Record<string, string> = {}): Promise<Answer> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const answer = await this.send(method, this.prefix + path, { headers: { ...(cookie !== "" ? { cookie } : {}), ...extra }, ...(form !== undefined ? { form } : {}) });
    for (const header of answer.setCookies) {
      const [pair = ""] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      if (/max-age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(answer.text);
    if (token !== null) this.token = token[1] as string;
    return answer;
  }

  get(path: string): Promise<Answer> {
    return this.go("GET", path);
  }

  post(path: string, form: Record<string, string>): Promise<Answer> {
    return this.go("POST", path, form);
  }
}

/** A random valid ISBN-13-shaped number, so runs against a reused database do not collide. */
export function freshIsbn(): string {
  return "979" + String(Math.floor(Math.random() * 1e10)).padStart(10, "0");
}

/**
 * Registers the Penny cases. `prefix` is the mount point the server puts Penny at ("" or "/penny").
 * The keeper's login is penny / `password`.
 */
export function pennyCases(transport: () => Transport, password: string, prefix = ""): void {
  const browser = (): Browser => new Browser(transport(), prefix);

  it("shows the search form with safe headers and serves its stylesheet", async () => {
    const page = await browser().get("/");
    expect(page.status).toBe(200);
    expect(page.header("content-type")).toBe("text/html; charset=utf-8");
    expect(page.text).toContain(`action="${prefix}/search"`);
    expect(page.header("x-content-type-options")).toBe("nosniff");
    expect(page.header("content-security-policy")).toContain("default-src 'self'");
    const css = await browser().get("/static/penny.css");
    expect(css.status).toBe(200);
    expect(css.header("content-type")).toBe("text/css; charset=utf-8");
    expect(css.header("etag")).toBeDefined();
  });

  it("redirects a search to its pretty URL, lists results, and remembers the last search", async () => {
    const b = browser();
    const jump = await b.get("/search?q=" + encodeURIComponent("  le guin "));
    expect(jump.status).toBe(303);
    expect(jump.header("location")).toBe(`${prefix}/search/le%20guin`);
    const list = await b.get("/search/le%20guin");
    expect(list.status).toBe(200);
    expect(list.text).toContain("3 books for “le guin”");
    expect(list.text).toContain("The Left Hand of Darkness");
    const back = await b.get("/");
    expect(back.text).toMatch(/Your last search: <a id="last-search" href="[^"]*\/search\/le%20guin">le guin<\/a>/);
    const none = await b.get("/search/%3Cscript%3E");
    expect(none.text).toContain("No books match “&lt;script&gt;”");
    expect(none.text).not.toContain("<script>");
    expect((await b.get("/books/9780441172719")).text).toContain("<cite>Dune</cite>");
  });

  it("answers a missing book, an unknown page and a refused form with pages in the site's look (issue 13 item 10)", async () => {
    const b = browser();
    const look = `<link rel="stylesheet" href="${prefix}/static/penny.css">`;
    const missing = await b.get("/books/0000000000");
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("<h1 id=\"error-title\">No book with ISBN 0000000000</h1>");
    expect(missing.text).not.toContain("No books match");
    expect(missing.text).toContain(look);
    const nowhere = await b.go("GET", "/no/such/page", undefined, { accept: "text/html" });
    expect(nowhere.status).toBe(404);
    expect(nowhere.header("content-type")).toBe("text/html; charset=utf-8");
    expect(nowhere.text).toContain(`There is no page at ${prefix}/no/such/page.`);
    expect(nowhere.text).toContain(look);
    const forged = await b.go("POST", "/login", { username: "penny", password: "x" }, { accept: "text/html" });
    expect(forged.status).toBe(403);
    expect(forged.header("content-type")).toBe("text/html; charset=utf-8");
    expect(forged.text).toContain(look);
    expect(forged.text).toMatch(/<p class="message">CSRF check failed: no token/);
    const curl = await b.go("POST", "/login", { username: "penny", password: "x" }, { accept: "*/*" });
    expect(curl.header("content-type")).toBe("text/plain; charset=utf-8");
    expect(curl.text).toMatch(/^CSRF check failed/);
  });

  it("guards the add page, logs in, adds a book, logs out, and refuses the old session afterwards", async () => {
    const b = browser();
    const guarded = await b.get("/books/new");
    expect(guarded.status).toBe(303);
    expect(guarded.header("location")).toBe(`${prefix}/login?next=%2Fbooks%2Fnew`);
    const login = await b.get("/login?next=%2Fbooks%2Fnew");
    expect(login.status).toBe(200);
    expect(b.token).not.toBe("");

    const noToken = await b.post("/login", { username: "penny", password, next: "/books/new" });
    expect(noToken.status).toBe(403);
    const wrong = await b.post("/login", { username: "penny", password: "wrong", next: "/books/new", _csrf: b.token });
    expect(wrong.status).toBe(303);
    expect((await b.get(new URL(wrong.header("location") as string, "http://x").pathname.slice(prefix.length) + "?next=%2Fbooks%2Fnew")).text).toContain("wrong username or password");
    const before = b.cookies.get("penny_session");
    const ok = await b.post("/login", { username: "penny", password, next: "/books/new", _csrf: b.token });
    expect(ok.status).toBe(303);
    expect(ok.header("location")).toBe(`${prefix}/books/new`);
    expect(b.cookies.get("penny_session")).not.toBe(before);

    const form = await b.get("/books/new");
    expect(form.status).toBe(200);
    expect(form.text).toContain("Add a book");
    const isbn = freshIsbn();
    const invalid = await b.post("/books", { isbn: "12", title: "", author: "Someone", year: "19x", _csrf: b.token });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain("an ISBN has 10 or 13 digits");
    const added = await b.post("/books", { isbn, title: "Penny's Test Book", author: "Tess Ting", year: "2026", _csrf: b.token });
    expect(added.status).toBe(303);
    expect(added.header("location")).toBe(`${prefix}/books/${isbn}`);
    const shown = await b.get(`/books/${isbn}`);
    expect(shown.text).toContain("Penny&#39;s Test Book");
    expect(shown.text).toContain("added “Penny&#39;s Test Book”");
    expect((await b.get("/search/tess%20ting")).text).toContain("Penny&#39;s Test Book");
    const duplicate = await b.post("/books", { isbn, title: "Again", author: "Tess Ting", year: "", _csrf: b.token });
    expect(duplicate.status).toBe(409);
    const forged = await b.post("/books", { isbn: freshIsbn(), title: "Forged", author: "Eve", year: "", _csrf: "x".repeat(86) });
    expect(forged.status).toBe(403);

    const stolen = new Map(b.cookies);
    const out = await b.post("/logout", { _csrf: b.token });
    expect(out.status).toBe(303);
    expect((await b.get("/")).text).toContain("you are logged out");
    expect((await b.get("/books/new")).status).toBe(303);
    const replay = new Browser(transport(), prefix);
    for (const [name, value] of stolen) replay.cookies.set(name, value);
    const refused = await replay.get("/books/new");
    expect(refused.status).toBe(303);
    expect(refused.header("location")).toContain("/login");
  });

  it("redirects a logged-in visitor to a non-ASCII next= safely, keeping the session (issue 12 item 1)", async () => {
    const b = browser();
    await b.get("/login");
    const ok = await b.post("/login", { username: "penny", password, next: "/", _csrf: b.token });
    expect(ok.status).toBe(303);
    // U+010D U+010A: low bytes CR LF. A server writing them as Latin-1 would start a new header line.
    const jump = await b.get("/login?next=" + encodeURIComponent("/\u010d\u010aSet-Cookie: penny_session=attacker"));
    expect(jump.status).toBe(303);
    expect(jump.header("location")).toBe(`${prefix}/%C4%8D%C4%8ASet-Cookie:%20penny_session=attacker`);
    expect(jump.setCookies.some((cookie) => cookie.includes("attacker"))).toBe(false);
    expect((await b.get("/books/new")).status).toBe(200);
  });
}
