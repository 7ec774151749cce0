// koa 3. Koa has no router of its own and @koa/router is not a dev dependency, so every koa app here
// uses the same hand-written dispatch as raw node:http: the koa rows measure koa's own overhead.
import { dispatch } from "./routes.mjs";

export const label = "koa";

export function available() { return undefined; }

export async function start({ app, port }) {
  const { default: Koa } = await import("koa");
  const server = new Koa();
  server.use((ctx) => {
    const body = dispatch(app, ctx.path);
    if (body === undefined) return;
    ctx.type = "text/plain; charset=utf-8";
    ctx.body = body;
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
}
