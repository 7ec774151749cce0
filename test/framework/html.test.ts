import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { App } from "tsgi";
import { createApp, html } from "tsgi/framework";
import { request } from "tsgi/testing";
import { escapeHtml, html as tag, Html, isHtml, raw } from "../../src/html/index.js";

describe("the html tag", () => {
  it("escapes interpolated strings in content and in quoted attributes", () => {
    const name = `<script>alert("x")</script> & 'co'`;
    expect(String(tag`<p title="${name}">${name}</p>`)).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>',
    );
  });

  it("inserts html results and raw() as they are, never escaping twice", () => {
    const item = tag`<li>${"a&b"}</li>`;
    expect(String(tag`<ul>${item}${raw("<li>trusted</li>")}</ul>`)).toBe("<ul><li>a&amp;b</li><li>trusted</li></ul>");
    expect(String(tag`${tag`${tag`${"<"}`}`}`)).toBe("&lt;");
  });

  it("joins arrays and iterables, renders nothing for null, undefined and booleans, digits for numbers", () => {
    const rows = ["<a>", "b"].map((text) => tag`<td>${text}</td>`);
    expect(String(tag`<tr>${rows}</tr>`)).toBe("<tr><td>&lt;a&gt;</td><td>b</td></tr>");
    expect(String(tag`${new Set(["x", "<"])}`)).toBe("x&lt;");
    expect(String(tag`[${null}${undefined}${false}${true}${0}${12.5}${7n}]`)).toBe("[012.57]");
    const admin = false;
    expect(String(tag`<nav>${admin && tag`<a href="/admin">admin</a>`}</nav>`)).toBe("<nav></nav>");
  });

  it("refuses promises and functions, and raw() of a non-string, with the fix", () => {
    expect(() => tag`${Promise.resolve("x")}`).toThrow(/a value is a promise; await it before interpolating/);
    expect(() => tag`${() => "x"}`).toThrow(/cannot interpolate a function; call it/);
    expect(() => raw(undefined as unknown as string)).toThrow(/raw\(\) takes a string of markup, not undefined/);
  });

  it("is recognised across copies of the module by its registered brand", () => {
    const foreign = { [Symbol.for("tsgi.html")]: true, toString: () => "<b>x</b>" };
    expect(isHtml(foreign)).toBe(true);
    expect(isHtml(new Html("x"))).toBe(true);
    expect(isHtml("<b>")).toBe(false);
    expect(JSON.stringify({ markup: tag`<i>${"&"}</i>` })).toBe('{"markup":"<i>&amp;</i>"}');
  });

  it("no interpolated string can open a tag, close an attribute or start an entity (property)", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => {
      const out = String(tag`<a title="${text}">${text}</a>`);
      const inner = out.slice('<a title="'.length, -"</a>".length);
      const [attribute, content] = inner.split('">');
      for (const part of [attribute, content]) {
        expect(part).toBeDefined();
        expect(part).not.toMatch(/[<>"']/);
        expect(part?.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
      }
      expect(escapeHtml(text).replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ({ "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" })[entity] ?? entity)).toBe(text);
    }), { numRuns: 500 });
  });
});

describe("html in apps", () => {
  it("a framework handler may return an html value: a text/html reply; html(markup, init) sets the status", async () => {
    const app = createApp();
    app.get("/hello/:name", (ctx) => html`<h1>Hello ${ctx.params.name}</h1>`);
    app.get("/missing/:name", (ctx) => html(html`<h1>No ${ctx.params.name}</h1>`, { status: 404 }));
    const hello = await request(app, "GET", "/hello/%3Cb%3E");
    expect(hello.status).toBe(200);
    expect(hello.header("content-type")).toBe("text/html; charset=utf-8");
    expect(hello.text).toBe("<h1>Hello &lt;b&gt;</h1>");
    const missing = await request(app, "GET", "/missing/%22x%22");
    expect(missing.status).toBe(404);
    expect(missing.text).toBe("<h1>No &quot;x&quot;</h1>");
  });

  it("a plain tsgi app uses it through String()", async () => {
    const app: App = (env) => ({ status: 200, headers: [["content-type", "text/html; charset=utf-8"]], body: String(tag`<p>${new URLSearchParams(env.QUERY_STRING).get("name")}</p>`) });
    expect((await request(app, "GET", "/?name=%3Cb%3E")).text).toBe("<p>&lt;b&gt;</p>");
  });
});
