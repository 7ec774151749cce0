// hono 4 on its node adapter (@hono/node-server), with hono's default router.
import { APPS, ROUTES100, routeBody } from "./routes.mjs";

export const label = "hono";

export function available() { return undefined; }

export async function start({ app, port }) {
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const server = new Hono();
  if (app === "hello") server.get("/", (c) => c.text(APPS.hello.body));
  if (app === "param") server.get("/users/:id", (c) => c.text(`user ${c.req.param("id")}`));
  if (app === "routes100") {
    for (const route of ROUTES100) server.get(route.pattern, (c) => c.text(routeBody(route, c.req.param("id"))));
  }
  await new Promise((resolve) => serve({ fetch: server.fetch, port, hostname: "127.0.0.1" }, resolve));
}
