// Loading tsgi's servers from dist/ (the package's own exports, default condition), so the bench
// measures what users run. A server that is not built yet is reported, not crashed on.

/** The entry point and export of each socket server. */
export const SERVERS = {
  http: { entry: "tsgi/http", name: "serveHttp" },
  fastcgi: { entry: "tsgi/fastcgi", name: "serveFastCgi" },
  scgi: { entry: "tsgi/scgi", name: "serveScgi" },
};

/** Imports an export of a tsgi entry point; resolves to it, or to a string saying why it is not available. */
export async function tsgiExport(entry, name) {
  try {
    const module = await import(entry);
    if (typeof module[name] !== "function") return `${entry} has no ${name} export yet`;
    return module[name];
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") {
      return `${entry} is not built (run npm run build; is it implemented yet?)`;
    }
    throw error;
  }
}

/** The StartServer for a protocol, or a reason string. */
export async function starter(protocol) {
  const server = SERVERS[protocol];
  if (server === undefined) throw new Error(`unknown protocol ${protocol}`);
  return tsgiExport(server.entry, server.name);
}

/** A log sink that drops the servers' own log lines (startup banners) so they do not cost during load. */
export const quietLog = { write() {} };

/** Starts a tsgi app on a protocol's server at 127.0.0.1:port. */
export async function serveTsgi(app, protocol, port) {
  const start = await starter(protocol);
  if (typeof start === "string") throw new Error(start);
  return start(app, { bind: `127.0.0.1:${port}`, log: quietLog });
}
