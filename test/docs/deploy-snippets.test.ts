// Every front-server config in docs/deploy/*.md and docs/tutorial.md is one a test uses: either the
// output of a config generator the interop tests start real servers with (test/support/*-hosts.ts),
// or a snippet deploy-live.test.ts runs as-is against real servers.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_LANGUAGES, LIVE_SNIPPETS, snippetPages, snippetsOf } from "./snippets.js";

type Generator = (options: unknown) => string;

async function generator(module: string, fn: string): Promise<Generator> {
  if (!/^[a-z-]+$/.test(module) || !existsSync(`test/support/${module}.ts`)) throw new Error(`test/support/${module}.ts does not exist`);
  const loaded = await import(`../support/${module}.ts`) as Record<string, unknown>;
  const found = loaded[fn];
  if (typeof found !== "function") throw new Error(`test/support/${module}.ts has no function ${fn}`);
  return found as Generator;
}

describe("config snippets in the deployment docs", () => {
  const pages = snippetPages().filter((page) => existsSync(page));
  const snippets = pages.flatMap((page) => snippetsOf(page));

  it("finds the deployment pages and their configs", () => {
    expect(pages).toEqual(expect.arrayContaining(["docs/deploy/nginx.md", "docs/deploy/apache.md", "docs/deploy/lighttpd.md"]));
    expect(snippets.filter((snippet) => CONFIG_LANGUAGES.has(snippet.language)).length).toBeGreaterThan(5);
  });

  it("marks every front-server config with how a test checks it", () => {
    const unmarked = snippets.filter((snippet) => CONFIG_LANGUAGES.has(snippet.language) && snippet.marker === undefined);
    expect(unmarked.map((snippet) => `${snippet.page}:${snippet.line}`)).toEqual([]);
  });

  it("names only live snippets that deploy-live.test.ts runs", () => {
    const live = snippets.flatMap((snippet) => (snippet.marker?.kind === "live" ? [snippet.marker.name] : []));
    for (const name of live) expect(LIVE_SNIPPETS as readonly string[]).toContain(name);
    expect([...live].sort()).toEqual([...LIVE_SNIPPETS].sort());
  });

  for (const snippet of snippets) {
    const marker = snippet.marker;
    if (marker?.kind !== "generator") continue;
    it(`${snippet.page}:${snippet.line} is ${marker.module}.${marker.fn}(${JSON.stringify(marker.args)})`, async () => {
      const make = await generator(marker.module, marker.fn);
      expect(snippet.text).toBe(make(marker.args));
    });
  }
});
