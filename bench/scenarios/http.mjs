// HTTP throughput: hello-world, a param route and a 100-route app on every HTTP peer, one process
// each on the server core, wrk on the other core.
import { startNodeServer, throughputRow } from "../lib/measure.mjs";
import { APPS } from "./apps/routes.mjs";

/** The peers in the order they appear in the report; the tsgi ones first. */
export const HTTP_PEERS = ["tsgi-bare", "tsgi-framework", "node-http", "fastify", "hono", "koa", "express"];

/**
 * The peers of each app. koa and express run the hello-world only: they trail far behind there, and
 * leaving them out of the route tables keeps a full run inside its time budget with enough rounds for
 * the comparisons that matter (the framework against fastify and hono).
 */
export const PEERS_OF = {
  hello: HTTP_PEERS,
  param: ["tsgi-bare", "tsgi-framework", "node-http", "fastify", "hono"],
  routes100: ["tsgi-bare", "tsgi-framework", "node-http", "fastify", "hono"],
};

/** The order rows take turns in: each tsgi row right next to the peers it is compared with. */
const RUN_ORDER = ["node-http", "tsgi-bare", "fastify", "tsgi-framework", "hono", "koa", "express"];

const TITLES = {
  hello: "HTTP hello-world",
  param: "HTTP param route (/users/:id)",
  routes100: "HTTP 100-route app (request to the last route registered)",
};

const NOTES = {
  routes100: "Raw node:http and the bare tsgi app use the same hand-written Map dispatch; the others use their router. koa and express: see the hello-world table.",
  param: "Raw node:http and the bare tsgi app parse the path by hand; the others use their router. koa and express: see the hello-world table.",
};

async function peer(impl) {
  return import(`./apps/${impl}.mjs`);
}

/** The groups of this family (`settings.httpPeers` may name other peers per app than PEERS_OF). */
export async function groups(settings) {
  const result = [];
  for (const app of Object.keys(APPS)) {
    const rows = [];
    for (const impl of settings.httpPeers?.[app] ?? PEERS_OF[app] ?? HTTP_PEERS) {
      const module = await peer(impl);
      rows.push(throughputRow({
        id: impl,
        label: module.label,
        tsgi: impl.startsWith("tsgi"),
        available: () => module.available({ protocol: "http" }),
        start: async () => {
          const server = await startNodeServer({ impl, app });
          return { url: `http://127.0.0.1:${server.port}${APPS[app].path}`, memoryPids: [server.pid], stop: server.stop };
        },
        expect: APPS[app].body,
        settings,
      }));
    }
    result.push({ id: `http-${app}`, family: "http", title: TITLES[app], note: NOTES[app], unit: "req/s", higherIsBetter: true, baseline: "node-http", charts: app === "hello" ? ["cpuUs"] : [], runOrder: RUN_ORDER, rows });
  }
  return result;
}
