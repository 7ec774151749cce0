// Router micro-benchmark: lookup cost at 10, 100 and 1000 routes for tsgi's router and peers' routers,
// each (router, size) in its own process on the server core.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { placed } from "../lib/cpu.mjs";

const MICRO = fileURLToPath(new URL("./router-micro.mjs", import.meta.url));
const TSGI_FRAMEWORK = fileURLToPath(new URL("../../dist/framework/index.js", import.meta.url));

const ROUTERS = [
  { id: "tsgi", label: "tsgi router (trie)", tsgi: true, available: () => (existsSync(TSGI_FRAMEWORK) ? undefined : "tsgi/framework is not built (npm run build)") },
  { id: "find-my-way", label: "find-my-way (fastify)" },
  { id: "hono-regexp", label: "hono RegExpRouter" },
  { id: "hono-trie", label: "hono TrieRouter" },
  { id: "linear", label: "path-to-regexp, linear scan" },
];

export const SIZES = [10, 100, 1000];

function micro(router, size, ms) {
  const [command, args] = placed("server", process.execPath, [MICRO, router, String(size), String(ms)]);
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${router} at ${size} routes: ${stderr || error.message}`));
      resolve(JSON.parse(stdout));
    });
  });
}

/** The groups of this family. */
export async function groups(settings) {
  const rows = [];
  for (const router of ROUTERS) {
    for (const size of SIZES) {
      rows.push({
        id: `${router.id}-${size}`,
        label: `${router.label}, ${size} routes`,
        tsgi: router.tsgi === true,
        baseline: `${router.id}-${SIZES[0]}`,
        available: router.available ?? (() => undefined),
        setup: async () => ({
          async sample() {
            const result = await micro(router.id, size, settings.routerMs);
            return { value: result.nsPerLookup, medianNs: result.medianNs, lookups: result.lookups };
          },
        }),
      });
    }
  }
  return [{
    id: "router",
    family: "router",
    title: "Router lookup: 10, 100, 1000 routes",
    note: "Half static, half `:id` routes; the lookup is the last route registered; each row is the best ~10 ms batch of lookups. Ratio: against the same router at 10 routes (1.0 = no growth).",
    unit: "ns/lookup",
    higherIsBetter: false,
    // In-process timing is steadier than a server under wrk; five rounds are enough and keep the run short.
    rounds: 5,
    baseline: "per-row",
    rows,
  }];
}
