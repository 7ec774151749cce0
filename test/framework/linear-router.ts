/**
 * The reference router: a linear scan of path-to-regexp `match` functions, one per pattern variant.
 * Used only as the oracle in the conformance suite and as the baseline in bench/router.mjs.
 */
import { match, type MatchFunction } from "path-to-regexp";
import { compilePattern } from "../../src/framework/pattern.js";
import type { Params, RouteMatch, Router } from "../../src/framework/router.js";

interface Entry<T> {
  method: string;
  pattern: string;
  signature: string;
  ranks: number[];
  wildcards: Set<string>;
  match: MatchFunction<Params>;
  value: T;
  order: number;
}

function better(a: Entry<unknown>, b: Entry<unknown>): boolean {
  const length = Math.min(a.ranks.length, b.ranks.length);
  for (let i = 0; i < length; i++) if (a.ranks[i] !== b.ranks[i]) return (a.ranks[i] as number) < (b.ranks[i] as number);
  return a.order < b.order;
}

/** Every variant of every route tried in turn; the most specific match wins, as the Router contract says. */
export class LinearRouter<T> implements Router<T> {
  readonly #entries: Array<Entry<T>> = [];

  add(method: string, pattern: string, value: T): void {
    const order = this.#entries.length;
    for (const variant of compilePattern(pattern)) {
      const clash = this.#entries.find((entry) => entry.method === method && entry.signature === variant.signature);
      if (clash !== undefined) throw new Error(`route ${method} ${pattern} conflicts with ${method} ${clash.pattern}`);
      this.#entries.push({
        method, pattern, value, order, signature: variant.signature,
        ranks: variant.segments.map((segment) => segment.kind),
        wildcards: new Set(variant.tokens.filter((token) => token.type === "wildcard").map((token) => (token as { name: string }).name)),
        match: match<Params>({ tokens: variant.tokens, originalPath: pattern } as never, { decode: false, sensitive: true, trailing: false }),
      });
    }
  }

  find(method: string, path: string): RouteMatch<T> | null {
    let best: Entry<T> | undefined;
    let params: Params = {};
    for (const entry of this.#entries) {
      if (entry.method !== method) continue;
      const result = entry.match(path);
      if (result === false) continue;
      if (best === undefined || better(entry, best)) {
        best = entry;
        params = { ...result.params };
        for (const [key, value] of Object.entries(params)) if (best.wildcards.has(key) && typeof value === "string") params[key] = value.split("/");
      }
    }
    return best === undefined ? null : { value: best.value, pattern: best.pattern, params };
  }

  allowed(path: string): string[] {
    const methods: string[] = [];
    for (const entry of this.#entries) if (!methods.includes(entry.method) && entry.match(path) !== false) methods.push(entry.method);
    return methods;
  }
}
