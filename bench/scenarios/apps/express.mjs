// express 5 with its defaults.
import { APPS, ROUTES100, routeBody } from "./routes.mjs";

export const label = "express";

export function available() { return undefined; }

export async function start({ app, port }) {
  const { default: express } = await import("express");
  const server = express();
  if (app === "hello") server.get("/", (_req, res) => { res.type("text/plain").send(APPS.hello.body); });
  if (app === "param") server.get("/users/:id", (req, res) => { res.type("text/plain").send(`user ${req.params.id}`); });
  if (app === "routes100") {
    for (const route of ROUTES100) server.get(route.pattern, (req, res) => { res.type("text/plain").send(routeBody(route, req.params.id)); });
  }
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
}
