/**
 * The router conformance suite: the same cases against every Router implementation
 * (see router-conformance.test.ts). Each case is a route table and requests with the expected answer.
 */
import { describe, expect, it } from "vitest";
import type { Params, Router } from "../../src/framework/router.js";

type Expect = [method: string, path: string, value: string | null, params?: Params];

interface Case {
  name: string;
  routes: Array<[method: string, pattern: string, value: string]>;
  requests: Expect[];
}

export const ROUTER_CASES: Case[] = [
  {
    name: "static routes, root and trailing slash are exact",
    routes: [["GET", "/", "root"], ["GET", "/books", "books"], ["GET", "/books/", "books-slash"], ["GET", "/a/b/c", "abc"]],
    requests: [
      ["GET", "/", "root", {}], ["GET", "/books", "books", {}], ["GET", "/books/", "books-slash", {}],
      ["GET", "/a/b/c", "abc", {}], ["GET", "/a/b", null], ["GET", "/a/b/c/", null], ["GET", "/BOOKS", null], ["GET", "", null],
    ],
  },
  {
    name: "a static path and a param path of the same length; a method with static routes only",
    routes: [
      ["GET", "/users/me", "me"], ["GET", "/users/:id", "user"], ["GET", "/a", "a"], ["GET", "/:constructor/:toString", "proto-names"],
      ["POST", "/x", "x"], ["POST", "/yy", "yy"],
    ],
    requests: [
      ["GET", "/users/me", "me", {}], ["GET", "/users/42", "user", { id: "42" }], ["GET", "/users/4", "user", { id: "4" }],
      ["GET", "/a", "a", {}], ["GET", "/b", null], ["GET", "/a/b", "proto-names", { constructor: "a", toString: "b" }],
      ["POST", "/x", "x", {}], ["POST", "/yy", "yy", {}], ["POST", "/y", null], ["POST", "/x/1", null], ["POST", "x", null],
    ],
  },
  {
    name: "backtracking out of a static branch of the trie: it ends without a route, or dead-ends deeper",
    routes: [["GET", "/users/me/:tab", "tab"], ["GET", "/users/:id", "user"], ["GET", "/users/:id/a/b", "deep"], ["GET", "/users/me/x/:y", "mexy"]],
    requests: [
      ["GET", "/users/me", "user", { id: "me" }], ["GET", "/users/me/a/b", "deep", { id: "me" }],
      ["GET", "/users/me/x/1", "mexy", { y: "1" }], ["GET", "/users/me/x", "tab", { tab: "x" }], ["GET", "/users/me/", null],
    ],
  },
  {
    name: "params bind one non-empty segment, undecoded",
    routes: [["GET", "/books/:isbn", "book"], ["GET", "/books/:isbn/pages/:page", "page"]],
    requests: [
      ["GET", "/books/978-0", "book", { isbn: "978-0" }],
      ["GET", "/books/978/pages/12", "page", { isbn: "978", page: "12" }],
      ["GET", "/books/a%2Fb", "book", { isbn: "a%2Fb" }],
      ["GET", "/books/", null], ["GET", "/books", null], ["GET", "/books/x/y", null], ["GET", "/books//pages/1", null],
      ["GET", "/books/ünï cödé", "book", { isbn: "ünï cödé" }],
    ],
  },
  {
    name: "methods have separate tables",
    routes: [["GET", "/items/:id", "show"], ["DELETE", "/items/:id", "remove"], ["POST", "/items", "create"]],
    requests: [
      ["GET", "/items/1", "show", { id: "1" }], ["DELETE", "/items/1", "remove", { id: "1" }],
      ["POST", "/items", "create", {}], ["POST", "/items/1", null], ["PUT", "/items/1", null],
    ],
  },
  {
    name: "static beats param beats wildcard, whatever the registration order",
    routes: [["GET", "/files/*path", "wild"], ["GET", "/files/:name", "param"], ["GET", "/files/new", "static"]],
    requests: [
      ["GET", "/files/new", "static", {}], ["GET", "/files/readme", "param", { name: "readme" }],
      ["GET", "/files/a/b/c", "wild", { path: ["a", "b", "c"] }], ["GET", "/files/", null], ["GET", "/files", null],
    ],
  },
  {
    name: "backtracking: a static prefix that dead-ends falls back to the param branch",
    routes: [["GET", "/users/me/settings", "settings"], ["GET", "/users/:id/posts", "posts"], ["GET", "/users/:id", "user"]],
    requests: [
      ["GET", "/users/me/settings", "settings", {}], ["GET", "/users/me/posts", "posts", { id: "me" }],
      ["GET", "/users/me", "user", { id: "me" }], ["GET", "/users/42/posts", "posts", { id: "42" }],
    ],
  },
  {
    name: "optional groups expand to alternatives",
    routes: [["GET", "/books{/:page}", "list"], ["GET", "/docs{/:lang}/intro", "intro"], ["GET", "/v{/:major{.:minor}}", "version"]],
    requests: [
      ["GET", "/books", "list", {}], ["GET", "/books/3", "list", { page: "3" }], ["GET", "/books/3/4", null],
      ["GET", "/docs/intro", "intro", {}], ["GET", "/docs/fr/intro", "intro", { lang: "fr" }],
      ["GET", "/v", "version", {}], ["GET", "/v/2", "version", { major: "2" }], ["GET", "/v/2.1", "version", { major: "2", minor: "1" }],
    ],
  },
  {
    name: "compound segments split one segment between params",
    routes: [["GET", "/range/:from-:to", "range"], ["GET", "/img/:name.:ext", "image"], ["GET", "/img/:name", "plain"], ["GET", "/at/@:user", "at"]],
    requests: [
      ["GET", "/range/1-9", "range", { from: "1", to: "9" }], ["GET", "/range/a-b-c", "range", { from: "a", to: "b-c" }],
      ["GET", "/range/19", null], ["GET", "/img/cat.png", "image", { name: "cat", ext: "png" }],
      ["GET", "/img/cat", "plain", { name: "cat" }], ["GET", "/at/@ada", "at", { user: "ada" }], ["GET", "/at/ada", null],
    ],
  },
  {
    name: "wildcards take the rest, with text after them",
    routes: [["GET", "/static/*path", "static"], ["GET", "/raw/*path/edit", "edit"], ["GET", "/*rest", "fallback"]],
    requests: [
      ["GET", "/static/css/site.css", "static", { path: ["css", "site.css"] }],
      ["GET", "/raw/a/b/edit", "edit", { path: ["a", "b"] }], ["GET", "/raw/a/b", "fallback", { rest: ["raw", "a", "b"] }],
      ["GET", "/anything", "fallback", { rest: ["anything"] }], ["GET", "/", null],
    ],
  },
  {
    name: "many routes sharing prefixes",
    routes: Array.from({ length: 60 }, (_, i) => ["GET", i % 3 === 0 ? `/r${i}/:id` : i % 3 === 1 ? `/r${i}/x/:id/y` : `/r${i}`, `route${i}`] as [string, string, string]),
    requests: [
      ["GET", "/r0/7", "route0", { id: "7" }], ["GET", "/r56", "route56", {}], ["GET", "/r31/x/5/y", "route31", { id: "5" }],
      ["GET", "/r31/x/5", null], ["GET", "/r59", "route59", {}], ["GET", "/r58", null], ["GET", "/r57/1", "route57", { id: "1" }],
    ],
  },
];

/** Registration errors every router must raise. */
export const BAD_ROUTES: Array<{ routes: Array<[string, string]>; error: RegExp }> = [
  { routes: [["GET", "/a/:x"], ["GET", "/a/:y"]], error: /GET \/a\/:y conflicts with GET \/a\/:x/ },
  { routes: [["GET", "/a"], ["GET", "/a"]], error: /conflicts/ },
  { routes: [["GET", "/b{/:p}"], ["GET", "/b/:q"]], error: /conflicts/ },
  { routes: [["GET", "/c/*rest"], ["GET", "/c/*other"]], error: /conflicts/ },
  { routes: [["GET", "/d/:id?"]], error: /\/d\/:id\?/ },
  { routes: [["GET", "/e/(\\d+)"]], error: /Unexpected \(/ },
  { routes: [["GET", "no-slash"]], error: /must start with \// },
  { routes: [["GET", "/f/:a/:a"]], error: /"a" appears twice/ },
];

/** Registers the conformance cases for one router implementation. */
export function routerConformance(name: string, make: () => Router<string>): void {
  describe(`router conformance: ${name}`, () => {
    for (const routeCase of ROUTER_CASES) {
      it(routeCase.name, () => {
        const router = make();
        for (const [method, pattern, value] of routeCase.routes) router.add(method, pattern, value);
        for (const [method, path, value, params] of routeCase.requests) {
          const found = router.find(method, path);
          expect(found?.value ?? null, `${method} ${path}`).toBe(value);
          if (params !== undefined) expect({ ...found?.params }, `${method} ${path}`).toEqual(params);
        }
      });
    }

    it("allowed() lists the methods whose routes match a path", () => {
      const router = make();
      router.add("GET", "/items/:id", "a");
      router.add("DELETE", "/items/:id", "b");
      router.add("POST", "/items", "c");
      expect(router.allowed("/items/3").sort()).toEqual(["DELETE", "GET"]);
      expect(router.allowed("/items")).toEqual(["POST"]);
      expect(router.allowed("/nothing")).toEqual([]);
    });

    for (const bad of BAD_ROUTES) {
      it(`rejects ${bad.routes.map(([m, p]) => `${m} ${p}`).join(" + ")}`, () => {
        const router = make();
        expect(() => { for (const [method, pattern] of bad.routes) router.add(method, pattern, pattern); }).toThrow(bad.error);
      });
    }
  });
}
