// The API reference in docs/api/ is generated from the sources' doc comments: it must match what
// scripts/gen-api-docs.mjs produces now, cover every entry point in package.json, and keep examples whole.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { entryPoints, renderApiDocs, staleApiDocs } from "../../scripts/gen-api-docs.mjs";

describe("docs/api", () => {
  const pages = renderApiDocs();

  it("has one page per entry point in package.json exports, and an index linking each", () => {
    const entries = entryPoints();
    const exportsKeys = Object.keys((JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, unknown> }).exports);
    expect(entries.map((entry) => entry.name)).toContain("tsgi/http");
    for (const key of exportsKeys.filter((key) => key !== "./package.json" && !key.includes("*"))) {
      const name = key === "." ? "tsgi" : `tsgi/${key.slice(2)}`;
      const entry = entries.find((candidate) => candidate.name === name);
      if (entry === undefined) continue; // not implemented yet: no source file to document
      expect(pages.has(`docs/api/${entry.slug}.md`)).toBe(true);
      expect(pages.get("docs/api/README.md")).toContain(`(${entry.slug}.md)`);
    }
  });

  it("documents serveHttp with its signature, its text and its example", () => {
    const http = pages.get("docs/api/http.md") ?? "";
    expect(http).toContain("const serveHttp: StartServer<HttpServerOptions>");
    expect(http).toMatch(/Starts an HTTP server for an app/);
    expect(http).toMatch(/```ts\n[^`]*serveHttp\(app/);
  });

  it("keeps decorator lines inside @example blocks instead of reading them as tags", () => {
    const framework = pages.get("docs/api/framework.md") ?? "";
    expect(framework).toContain('@controller("/books")');
  });

  it("is up to date with the sources (run node scripts/gen-api-docs.mjs)", () => {
    expect(staleApiDocs()).toEqual([]);
  });
});
