/** Penny's HTML: small template functions; every value from outside goes through `h()`. */
import type { Flash } from "tsgi/middleware/session";
import type { Book } from "./books.js";

/** Escapes text for HTML content and quoted attributes. */
export function h(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What every page shows around its content. */
export interface Frame {
  base: string;
  user: string | undefined;
  flashes: Flash[];
  csrf: string;
  lastSearch?: string | undefined;
}

export function layout(title: string, frame: Frame, content: string): string {
  const { base } = frame;
  const account = frame.user === undefined
    ? `<a href="${h(base)}/login">Log in</a>`
    : `<span class="who">${h(frame.user)}</span> <a href="${h(base)}/books/new">Add a book</a>
       <form method="post" action="${h(base)}/logout" class="inline"><input type="hidden" name="_csrf" value="${h(frame.csrf)}"><button type="submit">Log out</button></form>`;
  const flashes = frame.flashes.map((f) => `<p class="flash ${h(f.category)}" role="status">${h(f.message)}</p>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · Penny's Books</title>
<link rel="stylesheet" href="${h(base)}/static/penny.css">
<link rel="icon" href="${h(base)}/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<header><a class="brand" href="${h(base)}/">Penny's Books</a><nav>${account}</nav></header>
<main>
${flashes}
${content}
</main>
<footer>Served by tsgi.</footer>
</body>
</html>
`;
}

export function searchForm(base: string, value = ""): string {
  return `<form method="get" action="${h(base)}/search" class="search" role="search">
<label for="q">Search by title or author</label>
<input id="q" name="q" type="search" value="${h(value)}" maxlength="100" required autofocus>
<button type="submit">Search</button>
</form>`;
}

export function home(frame: Frame): string {
  const remembered = frame.lastSearch === undefined ? ""
    : `<p class="last">Your last search: <a id="last-search" href="${h(frame.base)}/search/${encodeURIComponent(frame.lastSearch)}">${h(frame.lastSearch)}</a></p>`;
  return layout("Search", frame, `<h1>Find a book</h1>\n${searchForm(frame.base)}\n${remembered}`);
}

function bookRow(base: string, book: Book): string {
  return `<li><a href="${h(base)}/books/${h(book.isbn)}"><cite>${h(book.title)}</cite></a> — ${h(book.author)}${book.year === null ? "" : ` (${h(book.year)})`}</li>`;
}

export function results(frame: Frame, terms: string, books: Book[]): string {
  const list = books.length === 0
    ? `<p class="none">No books match “${h(terms)}”.</p>`
    : `<p class="count">${books.length} book${books.length === 1 ? "" : "s"} for “${h(terms)}”</p>\n<ul class="results">\n${books.map((b) => bookRow(frame.base, b)).join("\n")}\n</ul>`;
  return layout(`Results for ${terms}`, frame, `<h1>Results</h1>\n${searchForm(frame.base, terms)}\n${list}`);
}

export function bookPage(frame: Frame, book: Book): string {
  return layout(book.title, frame, `<article class="book">
<h1><cite>${h(book.title)}</cite></h1>
<p class="author">by ${h(book.author)}</p>
<dl><dt>ISBN</dt><dd>${h(book.isbn)}</dd>${book.year === null ? "" : `<dt>Published</dt><dd>${h(book.year)}</dd>`}</dl>
</article>
<p><a href="${h(frame.base)}/">Back to search</a></p>`);
}

export function loginPage(frame: Frame, next: string, hint?: string): string {
  return layout("Log in", frame, `<h1>Log in</h1>
${hint === undefined ? "" : `<p class="hint">${h(hint)}</p>`}
<form method="post" action="${h(frame.base)}/login" class="login">
<input type="hidden" name="_csrf" value="${h(frame.csrf)}">
<input type="hidden" name="next" value="${h(next)}">
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

export function addPage(frame: Frame, draft: BookDraft, problems: Record<string, string> = {}): string {
  const field = (name: keyof BookDraft, label: string, extra = ""): string => `<label for="${name}">${label}</label>
<input id="${name}" name="${name}" value="${h(draft[name])}" ${extra}${problems[name] !== undefined ? ` aria-invalid="true" aria-describedby="${name}-problem"` : ""}>
${problems[name] !== undefined ? `<p class="problem" id="${name}-problem">${h(problems[name])}</p>` : ""}`;
  return layout("Add a book", frame, `<h1>Add a book</h1>
<form method="post" action="${h(frame.base)}/books" class="add">
<input type="hidden" name="_csrf" value="${h(frame.csrf)}">
${field("isbn", "ISBN (10 or 13 digits)", 'required inputmode="numeric"')}
${field("title", "Title", "required maxlength=\"200\"")}
${field("author", "Author", "required maxlength=\"200\"")}
${field("year", "Year", 'inputmode="numeric"')}
<button type="submit">Add the book</button>
</form>`);
}
