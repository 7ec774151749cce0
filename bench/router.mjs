// Router micro-benchmark: lookup cost of tsgi's trie router at 10, 100 and 1000 routes against a
// linear scan of path-to-regexp `match` functions (what a naive router does) and, for context,
// find-my-way (fastify's router), all in one process,
// interleaved rounds, median ns per lookup. Needs dist/ (npm run build).
//
//   node bench/router.mjs [--rounds 15] [--lookups 200000] [--json]
//
// Tables: half static (`/api/v1/resource{i}`), half with a param (`/api/v1/resource{i}/:id`), as in
// the 100-route HTTP app. Lookups: the last param route registered (the linear scan's worst case), a
// static route, and a miss. Target: the trie at 1000 routes within 1.2x of itself at 10 routes.
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { match } from "path-to-regexp";
import { TrieRouter } from "../dist/framework/index.js";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "15" },
    lookups: { type: "string", default: "200000" },
    json: { type: "boolean", default: false },
  },
});
const rounds = Number(flags.rounds);
const lookups = Number(flags.lookups);
const SIZES = [10, 100, 1000];
const pattern = (i) => (i % 2 === 0 ? `/api/v1/resource${i}` : `/api/v1/resource${i}/:id`);

function trie(size) {
  const router = new TrieRouter();
  for (let i = 0; i < size; i++) router.add("GET", pattern(i), i);
  return (path) => router.find("GET", path);
}

/** fastify's router, for context (a radix tree of characters). */
function findMyWay(size) {
  const require = createRequire(createRequire(import.meta.url).resolve("fastify"));
  const router = require("find-my-way")();
  for (let i = 0; i < size; i++) router.on("GET", pattern(i), () => i);
  return (path) => router.find("GET", path);
}

function linear(size) {
  const routes = [];
  for (let i = 0; i < size; i++) routes.push({ test: match(pattern(i), { decode: false, sensitive: true, trailing: false }), value: i });
  return (path) => {
    for (const route of routes) {
      const found = route.test(path);
      if (found) return { value: route.value, params: found.params };
    }
    return null;
  };
}

/** Paths to look up at a table size; varied ids so nothing is constant-folded or cached by value. */
function workload(size, kind) {
  const lastParam = size % 2 === 0 ? size - 1 : size - 2;
  return Array.from({ length: 64 }, (_, i) =>
    kind === "param" ? `/api/v1/resource${lastParam}/${1000 + i}`
      : kind === "static" ? `/api/v1/resource${(2 * i) % size}`
        : `/api/v2/nothing/${i}`);
}

const cases = [];
const ROUTERS = [["trie", trie], ["find-my-way", findMyWay], ["linear", linear]];
for (const [router, build] of ROUTERS) {
  for (const size of SIZES) {
    const find = build(size);
    for (const kind of ["param", "static", "miss"]) {
      const paths = workload(size, kind);
      const hit = find(paths[0]) !== null;
      if (hit !== (kind !== "miss")) throw new Error(`${router} at ${size}: ${kind} lookup of ${paths[0]} ${hit ? "found" : "missed"}`);
      cases.push({ router, size, kind, find, paths, samples: [] });
    }
  }
}

let sink = 0;
for (let round = 0; round < rounds; round++) {
  // Rotate the order each round so no case always runs right after the allocation-heavy linear scans.
  const shift = (round * 5) % cases.length;
  for (const item of [...cases.slice(shift), ...cases.slice(0, shift)]) {
    const n = item.router === "linear" && item.size === 1000 ? Math.max(1000, lookups / 50) : lookups;
    const { find, paths } = item;
    for (let i = 0; i < n / 10; i++) if (find(paths[i & 63]) !== null) sink++; // settle caches and GC left by the previous case
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (find(paths[i & 63]) !== null) sink++;
    item.samples.push(Number(process.hrtime.bigint() - started) / n);
  }
}
if (sink < 0) console.log(sink);

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const rows = cases.map(({ router, size, kind, samples }) => ({ router, size, kind, ns: median(samples) }));
const ns = (router, size, kind) => rows.find((row) => row.router === router && row.size === size && row.kind === kind).ns;
if (flags.json) {
  process.stdout.write(JSON.stringify({ rounds, lookups, rows }, null, 2) + "\n");
} else {
  const out = [`median ns per lookup over ${rounds} interleaved rounds (lower is better)`, ""];
  out.push(`${"router / lookup".padEnd(22)}${SIZES.map((s) => `${s} routes`.padStart(12)).join("")}   1000 vs 10`);
  for (const [router] of ROUTERS) {
    for (const kind of ["param", "static", "miss"]) {
      const cells = SIZES.map((size) => ns(router, size, kind).toFixed(0).padStart(12)).join("");
      out.push(`${`${router} ${kind}`.padEnd(22)}${cells}   ${(ns(router, 1000, kind) / ns(router, 10, kind)).toFixed(2)}x`);
    }
  }
  out.push("", `trie vs linear at 1000 routes (param lookup): ${(ns("linear", 1000, "param") / ns("trie", 1000, "param")).toFixed(0)}x faster`);
  out.push(`trie vs find-my-way at 100 routes (param lookup): ${(ns("trie", 100, "param") / ns("find-my-way", 100, "param")).toFixed(2)}x the time`);
  process.stdout.write(out.join("\n") + "\n");
}
