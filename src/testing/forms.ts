/**
 * Reading a form out of a page, for the test client's `submitForm`: the form's action, method and
 * the values of its `<input>` fields (hidden ones such as a CSRF token included).
 * @module
 */

/** A form found in a page. */
export interface PageForm {
  /** The action attribute (empty when absent: the page's own URL). */
  action: string;
  /** Upper-cased method; GET when absent. */
  method: string;
  /** The form's `<input>` values by name (checkboxes and radios only when checked; no buttons or files). */
  fields: Record<string, string>;
}

const FORM = /<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi;
const INPUT = /<input\b([^>]*?)\/?>/gi;
const ATTRIBUTE = /([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (all, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return ENTITIES[lower] ?? all;
  });
}

function attributes(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(ATTRIBUTE)) {
    const name = (match[1] ?? "").toLowerCase();
    if (!found.has(name)) found.set(name, decodeEntities(match[2] ?? match[3] ?? match[4] ?? ""));
  }
  return found;
}

/**
 * The forms of a page, in order. A small tag reader for pages your own app renders (quoted or
 * unquoted attributes, entities decoded); `<textarea>` and `<select>` values are not read — pass
 * them as fields.
 */
export function formsIn(page: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const form of page.matchAll(FORM)) {
    const attrs = attributes(form[1] ?? "");
    const fields: Record<string, string> = {};
    for (const input of (form[2] ?? "").matchAll(INPUT)) {
      const field = attributes(input[1] ?? "");
      const name = field.get("name");
      const type = (field.get("type") ?? "text").toLowerCase();
      if (name === undefined || name === "" || field.has("disabled")) continue;
      if (["submit", "button", "reset", "image", "file"].includes(type)) continue;
      if ((type === "checkbox" || type === "radio") && !field.has("checked")) continue;
      fields[name] = field.get("value") ?? (type === "checkbox" || type === "radio" ? "on" : "");
    }
    forms.push({ action: attrs.get("action") ?? "", method: (attrs.get("method") ?? "GET").toUpperCase(), fields });
  }
  return forms;
}
