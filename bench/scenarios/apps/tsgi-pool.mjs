// The tsgi pool (`servePool`): N worker processes of tsgi's HTTP server, each loading the bare hello app
// by module spec, sharing one listening socket.
import { fileURLToPath } from "node:url";
import { quietLog, tsgiExport } from "./tsgi.mjs";

export const label = "tsgi pool";

const HELLO = fileURLToPath(new URL("./bare-hello.mjs", import.meta.url));

export async function available() {
  const servePool = await tsgiExport("tsgi/pool", "servePool");
  return typeof servePool === "string" ? servePool : undefined;
}

export async function start({ app, port, protocol = "http", workers = 2 }) {
  if (app !== "hello") throw new Error(`the pool scenario serves the hello app only, not ${app}`);
  const servePool = await tsgiExport("tsgi/pool", "servePool");
  if (typeof servePool === "string") throw new Error(servePool);
  return servePool({ spec: HELLO, server: protocol, workers, bind: `127.0.0.1:${port}`, controlSocket: false, signals: false, log: quietLog });
}
