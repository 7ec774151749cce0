// Starts the FastCGI or SCGI server on an inherited listening socket (fd 0), the way lighttpd's
// bin-path, spawn-fcgi and mod_fcgid start FastCGI apps:
//   node --conditions=tsgi-source --import tsx test/support/fcgi-launcher.ts fastcgi|scgi MODULE [BIND]
// Exits 1 with the server's message when fd 0 is not a listening socket.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { App } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { serveScgi } from "tsgi/scgi";

const [kind = "fastcgi", module = "", bind = "fd:0"] = process.argv.slice(2);
try {
  const app = (await import(pathToFileURL(resolve(module)).href) as { default: App }).default;
  const server = await (kind === "scgi" ? serveScgi : serveFastCgi)(app, { bind });
  const stop = (): void => {
    void server.close({ graceMs: 2000 }).then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
