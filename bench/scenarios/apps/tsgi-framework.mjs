// The tsgi framework: the same routes registered with the framework's functional form
// (`app.get(path, handler)`), answering with its `text()` helper.
import { APPS, ROUTES100, routeBody } from "./routes.mjs";
import { serveTsgi, starter, tsgiExport } from "./tsgi.mjs";

export const label = "tsgi framework";

export async function available({ protocol = "http" } = {}) {
  const framework = await frameworkFactory();
  if (typeof framework === "string") return framework;
  const start = await starter(protocol);
  return typeof start === "string" ? start : undefined;
}

async function frameworkFactory() {
  return tsgiExport("tsgi/framework", "createApp");
}

async function textReply() {
  return tsgiExport("tsgi/framework", "text");
}

/** The framework app for one of the bench apps. */
export async function frameworkApp(app) {
  const createApp = await frameworkFactory();
  if (typeof createApp === "string") throw new Error(createApp);
  const text = await textReply();
  const web = createApp();
  if (app === "hello") web.get("/", () => text(APPS.hello.body));
  if (app === "param") web.get("/users/:id", (ctx) => text(`user ${ctx.params.id}`));
  if (app === "routes100") {
    for (const route of ROUTES100) web.get(route.pattern, (ctx) => text(routeBody(route, ctx.params.id)));
  }
  return web;
}

export async function start({ app, port, protocol = "http" }) {
  await serveTsgi(await frameworkApp(app), protocol, port);
}
