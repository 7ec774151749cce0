// Raw node:http: the baseline every ratio is taken against.
import { createServer } from "node:http";
import { dispatch } from "./routes.mjs";

export const label = "node:http (raw)";

export function available() { return undefined; }

export function createHandler(app) {
  return (req, res) => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const body = dispatch(app, query === -1 ? url : url.slice(0, query));
    if (body === undefined) { res.writeHead(404, { "content-type": "text/plain" }); res.end("not found"); return; }
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
}

export function start({ app, port }) {
  const server = createServer({ keepAliveTimeout: 60_000 }, createHandler(app));
  return new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
}
