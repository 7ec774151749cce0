// Relative links in the pages this suite owns point at files that exist, and `#anchors` at headings
// that exist (GitHub's slugs), so a newcomer following the docs never lands on a 404.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

const PAGES = ["docs/index.md", "docs/tutorial.md", "docs/deploy/nginx.md", "docs/deploy/apache.md", "docs/deploy/lighttpd.md", "bench/README.md", "docs/api/README.md"];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, "").replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

function anchors(page: string): Set<string> {
  const text = readFileSync(page, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1] ?? "")));
}

function links(page: string): Array<{ target: string; anchor: string | undefined }> {
  const text = readFileSync(page, "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  const found = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const href = match[1] ?? "";
    if (/^[a-z]+:/.test(href)) continue;
    const [path = "", anchor] = href.split("#");
    found.push({ target: path === "" ? page : normalize(join(dirname(page), path)), anchor });
  }
  return found;
}

describe("links in the docs", () => {
  it("slugs headings the way GitHub does", () => {
    expect(slug("Shared hosting: a CGI script and .htaccess")).toBe("shared-hosting-a-cgi-script-and-htaccess");
    expect(slug("6. Penny on the pool, behind nginx")).toBe("6-penny-on-the-pool-behind-nginx");
  });

  for (const page of PAGES) {
    it(`${page} links only to what exists`, () => {
      const broken: string[] = [];
      for (const { target, anchor } of links(page)) {
        if (!existsSync(target)) { broken.push(target); continue; }
        if (anchor !== undefined && statSync(target).isFile() && target.endsWith(".md") && !anchors(target).has(anchor)) broken.push(`${target}#${anchor}`);
      }
      expect(broken).toEqual([]);
    });
  }
});
