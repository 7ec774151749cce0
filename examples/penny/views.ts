/**
 * Penny's HTML: small template functions on the `html` tag from `tsgi/html`, which escapes every
 * interpolated value unless it is itself `html` — so nothing from a request becomes markup.
 */
import { html, type Html } from "tsgi/html";
import type { Flash } from "tsgi/middleware/session";
import type { Book } from "./books.js";

/** What every page shows around its content. */
export interface Frame {
  base: string;
  user: string | undefined;
  flashes: Flash[];
  /** The CSRF token for the "Log out" button; "" leaves the button out (error pages outside the session). */
  csrf: string;
  lastSearch?: string | undefined;
}

function account(frame: Frame): Html {
  const { base } = frame;
  if (frame.user === undefined) return html`<a href="${base}/login">Log in</a>`;
  const logout = frame.csrf === "" ? "" : html`<form method="post" action="${base}/logout" class="inline"><input type="hidden" name="_csrf" value="${frame.csrf}"><button type="submit">Log out</button></form>`;
  return html`<span class="who">${frame.user}</span><a href="${base}/books/new">Add a book</a>${logout}`;
}

export function layout(title: string, frame: Frame, content: Html): Html {
  const { base } = frame;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Penny's Books</title>
<link rel="stylesheet" href="${base}/static/penny.css">
<link rel="icon" href="${base}/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<header><a class="brand" href="${base}/">Penny's Books</a><nav>${account(frame)}</nav></header>
<main>
${frame.flashes.map((f) => html`<p class="flash ${f.category}" role="status">${f.message}</p>\n`)}${content}
</main>
<footer>Served by tsgi.</footer>
</body>
</html>
`;
}

export function searchForm(base: string, value = ""): Html {
  return html`<form method="get" action="${base}/search" class="search" role="search">
<label for="q">Search by title or author</label>
<input id="q" name="q" type="search" value="${value}" maxlength="100" required autofocus>
<button type="submit">Search</button>
</form>`;
}

export function home(frame: Frame): Html {
  const remembered = frame.lastSearch === undefined ? ""
    : html`<p class="last">Your last search: <a id="last-search" href="${frame.base}/search/${encodeURIComponent(frame.lastSearch)}">${frame.lastSearch}</a></p>`;
  return layout("Search", frame, html`<h1>Find a book</h1>\n${searchForm(frame.base)}\n${remembered}`);
}

function bookRow(base: string, book: Book): Html {
  return html`<li><a href="${base}/books/${encodeURIComponent(book.isbn)}"><cite>${book.title}</cite></a> — ${book.author}${book.year === null ? "" : ` (${book.year})`}</li>`;
}

export function results(frame: Frame, terms: string, books: Book[]): Html {
  const list = books.length === 0
    ? html`<p class="none">No books match “${terms}”.</p>`
    : html`<p class="count">${books.length} book${books.length === 1 ? "" : "s"} for “${terms}”</p>\n<ul class="results">\n${books.map((b) => html`${bookRow(frame.base, b)}\n`)}</ul>`;
  return layout(`Results for ${terms}`, frame, html`<h1>Results</h1>\n${searchForm(frame.base, terms)}\n${list}`);
}

export function bookPage(frame: Frame, book: Book): Html {
  return layout(book.title, frame, html`<article class="book">
<h1><cite>${book.title}</cite></h1>
<p class="author">by ${book.author}</p>
<dl><dt>ISBN</dt><dd>${book.isbn}</dd>${book.year === null ? "" : html`<dt>Published</dt><dd>${book.year}</dd>`}</dl>
</article>
<p><a href="${frame.base}/">Back to search</a></p>`);
}

/** A 404 for a book that is not in the shop: says which ISBN, and offers the search. */
export function missingBook(frame: Frame, isbn: string): Html {
  return layout("No such book", frame, html`<section class="error" aria-labelledby="error-title">
<p class="status">404 · Not Found</p>
<h1 id="error-title">No book with ISBN ${isbn}</h1>
<p>Penny's shelves have no book with that ISBN. Search by title or author instead:</p>
${searchForm(frame.base)}
</section>`);
}

/** The page for any error status, in the site's look: what went wrong, and a way back. */
export function errorPage(frame: Frame, status: number, reason: string, message: string): Html {
  const title = status === 404 ? "Nothing here" : status === 429 ? "Slow down" : status === 403 ? "Not allowed" : status >= 500 ? "Something broke" : reason;
  const said = message !== reason ? message : status >= 500 ? "Penny could not answer this request. Please try again in a moment." : "That did not work.";
  return layout(`${status} ${reason}`, frame, html`<section class="error" aria-labelledby="error-title">
<p class="status">${status} · ${reason}</p>
<h1 id="error-title">${title}</h1>
<p class="message">${said}</p>
<p><a href="${frame.base}/">Back to the search</a></p>
</section>`);
}

export function loginPage(frame: Frame, next: string, hint?: string): Html {
  return layout("Log in", frame, html`<h1>Log in</h1>
${hint === undefined ? "" : html`<p class="hint">${hint}</p>`}
<form method="post" action="${frame.base}/login" class="login stacked">
<input type="hidden" name="_csrf" value="${frame.csrf}">
<input type="hidden" name="next" value="${next}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>`);
}

export interface BookDraft {
  isbn: string;
  title: string;
  author: string;
  year: string;
}

export function addPage(frame: Frame, draft: BookDraft, problems: Record<string, string> = {}): Html {
  const field = (name: keyof BookDraft, label: string, attributes: Html): Html => {
    const problem = problems[name];
    return html`<label for="${name}">${label}</label>
<input id="${name}" name="${name}" value="${draft[name]}" ${attributes}${problem !== undefined ? html` aria-invalid="true" aria-describedby="${name}-problem"` : ""}>
${problem !== undefined ? html`<p class="problem" id="${name}-problem">${problem}</p>\n` : ""}`;
  };
  return layout("Add a book", frame, html`<h1>Add a book</h1>
<form method="post" action="${frame.base}/books" class="add stacked">
<input type="hidden" name="_csrf" value="${frame.csrf}">
${field("isbn", "ISBN (10 or 13 digits)", html`required inputmode="numeric"`)}
${field("title", "Title", html`required maxlength="200"`)}
${field("author", "Author", html`required maxlength="200"`)}
${field("year", "Year", html`inputmode="numeric"`)}
<button type="submit">Add the book</button>
</form>`);
}
