// A bare tsgi app (a plain function, no framework) with the same hand-written dispatch as raw node:http,
// on tsgi's HTTP, FastCGI or SCGI server.
import { dispatch } from "./routes.mjs";
import { serveTsgi, starter } from "./tsgi.mjs";

export const label = "tsgi bare app";

const TEXT = "text/plain; charset=utf-8";

export async function available({ protocol = "http" } = {}) {
  const start = await starter(protocol);
  return typeof start === "string" ? start : undefined;
}

/** The bare app for one of the bench apps. */
export function bareApp(app) {
  return (env) => {
    const body = dispatch(app, env.PATH_INFO);
    if (body === undefined) return { status: 404, headers: [["content-type", TEXT]], body: "not found" };
    return { status: 200, headers: [["content-type", TEXT]], body };
  };
}

export async function start({ app, port, protocol = "http" }) {
  await serveTsgi(bareApp(app), protocol, port);
}
