// HTTP throughput: hello-world, a param route and a 100-route app on every HTTP peer, one process
// each on the server core, wrk on the other core.
import { startNodeServer, throughputRow } from "../lib/measure.mjs";
import { APPS } from "./apps/routes.mjs";

/** The peers in the order they appear in the report; the tsgi ones first. */
export const HTTP_PEERS = ["tsgi-bare", "tsgi-framework", "node-http", "fastify", "hono", "koa", "express"];

const TITLES = {
  hello: "HTTP hello-world",
  param: "HTTP param route (/users/:id)",
  routes100: "HTTP 100-route app (request to the last route registered)",
};

const NOTES = {
  routes100: "Raw node:http, the bare tsgi app and koa (no router installed) use the same hand-written Map dispatch; the others use their router.",
  param: "Raw node:http, the bare tsgi app and koa (no router installed) parse the path by hand; the others use their router.",
};

async function peer(impl) {
  return import(`./apps/${impl}.mjs`);
}

/** The groups of this family. */
export async function groups(settings) {
  const result = [];
  for (const app of Object.keys(APPS)) {
    const rows = [];
    for (const impl of HTTP_PEERS) {
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
    result.push({ id: `http-${app}`, family: "http", title: TITLES[app], note: NOTES[app], unit: "req/s", higherIsBetter: true, baseline: "node-http", rows });
  }
  return result;
}
