// fastify 5 with its defaults (no logger), routes registered the usual way.
import { APPS, ROUTES100, routeBody } from "./routes.mjs";

export const label = "fastify";

export function available() { return undefined; }

export async function start({ app, port }) {
  const { default: Fastify } = await import("fastify");
  const server = Fastify({ logger: false });
  if (app === "hello") server.get("/", (_req, reply) => reply.type("text/plain; charset=utf-8").send(APPS.hello.body));
  if (app === "param") server.get("/users/:id", (req, reply) => reply.type("text/plain; charset=utf-8").send(`user ${req.params.id}`));
  if (app === "routes100") {
    for (const route of ROUTES100) server.get(route.pattern, (req, reply) => reply.type("text/plain; charset=utf-8").send(routeBody(route, req.params.id)));
  }
  await server.listen({ port, host: "127.0.0.1" });
}
