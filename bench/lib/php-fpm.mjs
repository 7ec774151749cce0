// php-fpm serving a hello-world script, for the nginx comparison. A static pool of children on the
// server core; the config and script are generated into a temp dir.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { placed } from "./cpu.mjs";
import { findBinary, freePort, scratchDir, startProcess } from "./proc.mjs";

const CANDIDATES = ["php-fpm", "php-fpm8.4", "php-fpm8.3", "php-fpm8.2", "php-fpm8.1", "php-fpm8.0"];

/** The php-fpm binary, or undefined. */
export const PHP_FPM = CANDIDATES.map(findBinary).find((path) => path !== undefined);

/** Starts php-fpm with `children` static workers. Resolves { pid, port, script, stop() }. */
export async function startPhpFpm({ children = 8 } = {}) {
  if (PHP_FPM === undefined) throw new Error("php-fpm is not installed");
  const scratch = scratchDir("tsgi-bench-php-");
  const dir = scratch.path;
  const port = await freePort();
  const script = join(dir, "hello.php");
  writeFileSync(script, `<?php\nheader("Content-Type: text/plain; charset=utf-8");\necho "Hello, World!";\n`);
  writeFileSync(join(dir, "php-fpm.conf"), `[global]
pid = ${dir}/php-fpm.pid
error_log = ${dir}/error.log
daemonize = no

[bench]
user = root
group = root
listen = 127.0.0.1:${port}
pm = static
pm.max_children = ${children}
clear_env = yes
`);
  const [command, args] = placed("server", PHP_FPM, ["-F", "-R", "-n", "-y", join(dir, "php-fpm.conf")]);
  const server = await startProcess(command, args, { port }).catch((error) => { scratch.remove(); throw error; });
  return { pid: server.pid, port, script, async stop() { await server.stop(); scratch.remove(); } };
}
