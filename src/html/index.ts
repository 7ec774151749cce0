/**
 * `tsgi/html`: an `html` tagged template that escapes every interpolated value unless it is
 * already HTML (made by `html` itself or marked with {@link raw}). Usable from any app: an {@link Html}
 * value is a string of markup via `String(value)`; the framework answers it as `text/html`.
 *
 * @example
 * ```ts
 * import { html } from "tsgi/html";
 * const page = html`<p title="${title}">Hello ${name}</p><ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;
 * const app: App = () => ({ status: 200, headers: [["content-type", "text/html; charset=utf-8"]], body: String(page) });
 * ```
 * @module
 */

const BRAND = Symbol.for("tsgi.html");
const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;
const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes `& < > " '` so text is safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (char) => ENTITY[char] as string) : text;
}

/** Markup that is already safe: what `html` returns and what {@link raw} marks. `String(value)` is the markup. */
export class Html {
  readonly #markup: string;

  constructor(markup: string) {
    this.#markup = markup;
    Object.defineProperty(this, BRAND, { value: true });
  }

  toString(): string {
    return this.#markup;
  }

  /** JSON of an Html value is its markup as a string. */
  toJSON(): string {
    return this.#markup;
  }
}

/** True for an {@link Html} value (also one made by another copy of this module). */
export function isHtml(value: unknown): value is Html {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Marks trusted markup so `html` inserts it unescaped. Only for markup you wrote or sanitized:
 * never for anything from a request.
 *
 * @example
 * ```ts
 * html`<div>${raw(renderedMarkdown)}</div>`
 * ```
 */
export function raw(markup: string): Html {
  if (typeof markup !== "string") throw new TypeError(`raw() takes a string of markup, not ${markup === null ? "null" : typeof markup}`);
  return new Html(markup);
}

function append(value: unknown, out: string[]): void {
  switch (typeof value) {
    case "string":
      out.push(escapeHtml(value));
      return;
    case "number":
    case "bigint":
      out.push(String(value));
      return;
    case "boolean":
    case "undefined":
      return;
    case "object":
      if (value === null) return;
      if (isHtml(value)) {
        out.push(value.toString());
        return;
      }
      if (typeof (value as PromiseLike<unknown>).then === "function") {
        throw new TypeError("html: a value is a promise; await it before interpolating");
      }
      if (Symbol.iterator in value) {
        for (const item of value as Iterable<unknown>) append(item, out);
        return;
      }
      out.push(escapeHtml(String(value)));
      return;
    default:
      throw new TypeError(`html: cannot interpolate a ${typeof value}; call it or convert it to a string first`);
  }
}

/**
 * The tagged template. Strings are escaped; `html` results and `raw()` values are inserted as they
 * are; arrays and other iterables are joined with nothing between; `null`, `undefined`, `true` and
 * `false` render as nothing (so `${cond && html`...`}` works); numbers as digits. A promise or a
 * function is an error. Quote attribute values: escaping makes text safe inside quotes, not in an
 * unquoted attribute, a `<script>` body, or a URL scheme (`href="${url}"` still needs a checked URL).
 *
 * @example
 * ```ts
 * html`<a href="/books/${encodeURIComponent(isbn)}">${title}</a>`
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const out: string[] = [strings[0] ?? ""];
  for (let i = 0; i < values.length; i++) {
    append(values[i], out);
    out.push(strings[i + 1] ?? "");
  }
  return new Html(out.join(""));
}
