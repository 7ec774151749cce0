import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TrieRouter } from "../../src/framework/router.js";
import { LinearRouter } from "./linear-router.js";
import { routerConformance } from "./router-cases.js";

routerConformance("TrieRouter", () => new TrieRouter<string>());
routerConformance("LinearRouter (path-to-regexp scan, the oracle)", () => new LinearRouter<string>());

describe("TrieRouter against the linear oracle on generated tables", () => {
  const segment = fc.constantFrom("a", "b", "c", ":p", ":q", "x.:e", ":s-:t", "*w");
  const pattern = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => {
    const out: string[] = [];
    const names = new Map<string, number>();
    for (const part of parts) {
      const renamed = part.replace(/([:*])([a-z])/g, (_, sigil: string, name: string) => {
        const n = (names.get(name) ?? 0) + 1;
        names.set(name, n);
        return `${sigil}${name}${n}`;
      });
      out.push(renamed);
      if (part.startsWith("*")) break;
    }
    return "/" + out.join("/");
  });
  const pathPart = fc.constantFrom("a", "b", "c", "x.y", "1-2", "zz", "");

  it("finds the same route and params for random tables and paths", () => {
    fc.assert(fc.property(
      fc.uniqueArray(pattern, { minLength: 1, maxLength: 12 }),
      fc.array(fc.array(pathPart, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 20 }),
      (patterns, paths) => {
        const trie = new TrieRouter<string>();
        const linear = new LinearRouter<string>();
        for (const p of patterns) {
          let trieError: unknown;
          let linearError: unknown;
          try { trie.add("GET", p, p); } catch (error) { trieError = error; }
          try { linear.add("GET", p, p); } catch (error) { linearError = error; }
          expect(trieError === undefined, `add ${p}`).toBe(linearError === undefined);
        }
        for (const parts of paths) {
          const path = "/" + parts.join("/");
          const a = trie.find("GET", path);
          const b = linear.find("GET", path);
          expect(a?.value ?? null, path).toBe(b?.value ?? null);
          if (a !== null) expect({ ...a.params }, path).toEqual(b?.params);
        }
      },
    ), { numRuns: 300 });
  });
});

describe("ReDoS safety", () => {
  it("answers /:a-:b against a long -a-a-a… path in milliseconds", () => {
    const router = new TrieRouter<string>();
    router.add("GET", "/:a-:b", "pair");
    router.add("GET", "/x/:a-:b-:c.:d", "quad");
    router.add("GET", "/w/*rest/end", "tail");
    const long = "-a".repeat(50_000);
    const started = performance.now();
    expect(router.find("GET", "/" + long)?.params).toEqual({ a: "-a", b: long.slice(3) });
    expect(router.find("GET", "/x/" + long)).toBeNull();
    router.find("GET", "/w/" + "a/".repeat(20_000) + "en");
    router.find("GET", "/" + long + "!");
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
  });
});
