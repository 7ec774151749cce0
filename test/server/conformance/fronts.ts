// Front servers for the corpus runners: nginx or Apache with a generated site in a temp dir, on 127.0.0.1.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startDaemon, tempDir } from "../../support/daemon.js";
import { apacheConfig, nginxConfig } from "../../support/fcgi-hosts.js";

/** A started front server. */
export interface Front {
  port: number;
  /** Its error log so far. */
  errorLog(): string;
  stop(): Promise<void>;
}

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** nginx in the foreground serving `site(listen)`. */
export async function startNginx(site: (listen: string) => string): Promise<Front> {
  const dir = tempDir("tsgi-corpus-nginx-");
  chmodSync(dir.path, 0o755);
  const port = await freePort();
  const conf = join(dir.path, "nginx.conf");
  writeFileSync(conf, nginxConfig(dir.path, site(`127.0.0.1:${port}`)));
  const daemon = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
  return {
    port,
    errorLog: () => readLog(join(dir.path, "nginx-error.log")),
    stop: async () => {
      await daemon.stop();
      dir.remove();
    },
  };
}

/** Apache httpd (event MPM) in the foreground serving `site`. */
export async function startApacheFront(site: string): Promise<Front> {
  const dir = tempDir("tsgi-corpus-apache-");
  chmodSync(dir.path, 0o755);
  const port = await freePort();
  const conf = join(dir.path, "apache.conf");
  writeFileSync(conf, apacheConfig(dir.path, port, site));
  const daemon = await startDaemon("apache2", ["-DFOREGROUND", "-f", conf], { port });
  return {
    port,
    errorLog: () => readLog(join(dir.path, "apache-error.log")),
    stop: async () => {
      await daemon.stop();
      dir.remove();
    },
  };
}

/** The lines of a memory log sink as one text. */
export function linesOf(sink: { lines: string[] }): () => string {
  return () => sink.lines.join("\n");
}
