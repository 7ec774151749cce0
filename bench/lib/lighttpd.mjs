// lighttpd running CGI scripts from a generated cgi-bin directory, for the CGI per-request time.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { placed } from "./cpu.mjs";
import { findBinary, freePort, scratchDir, startProcess } from "./proc.mjs";

/** The lighttpd binary, or undefined. */
export const LIGHTTPD = findBinary("lighttpd");

/** lighttpd.conf serving `cgiDir` at /cgi-bin/ with mod_cgi (each script runs by its shebang). */
export function lighttpdConfig(dir, port, cgiDir) {
  return `server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.bind = "127.0.0.1"
server.port = ${port}
server.document-root = "${dir}"
server.pid-file = "${dir}/lighttpd.pid"
server.errorlog = "${dir}/error.log"
server.max-keep-alive-requests = 100000
alias.url = ("/cgi-bin/" => "${cgiDir}/")
$HTTP["url"] =~ "^/cgi-bin/" {
  cgi.assign = ("" => "")
}
setenv.add-environment = ("PATH" => "/usr/local/bin:/usr/bin:/bin")
`;
}

/** Starts lighttpd on the server core. Resolves { pid, url(path), stop() }. */
export async function startLighttpd(cgiDir) {
  if (LIGHTTPD === undefined) throw new Error("lighttpd is not installed");
  const scratch = scratchDir("tsgi-bench-lighttpd-");
  const dir = scratch.path;
  const port = await freePort();
  writeFileSync(join(dir, "lighttpd.conf"), lighttpdConfig(dir, port, cgiDir));
  const [command, args] = placed("server", LIGHTTPD, ["-D", "-f", join(dir, "lighttpd.conf")]);
  const server = await startProcess(command, args, { port }).catch((error) => { scratch.remove(); throw error; });
  return { pid: server.pid, url: (path) => `http://127.0.0.1:${port}${path}`, async stop() { await server.stop(); scratch.remove(); } };
}
