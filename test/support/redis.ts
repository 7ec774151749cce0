// A real redis-server for interop tests: its own port, temp dir, no persistence, stopped by stop().
import { freePort, startDaemon, tempDir, type Daemon } from "./daemon.js";

export interface RedisServer {
  port: number;
  url: string;
  daemon: Daemon;
  stop(): Promise<void>;
}

/** Starts redis-server on a free 127.0.0.1 port (or the given one) and waits until it accepts connections. */
export async function startRedis(port?: number): Promise<RedisServer> {
  const dir = tempDir("tsgi-redis-");
  const chosen = port ?? (await freePort());
  const daemon = await startDaemon("redis-server", [
    "--port", String(chosen), "--bind", "127.0.0.1", "--dir", dir.path,
    "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no",
  ], { port: chosen });
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    daemon,
    stop: async () => {
      await daemon.stop();
      dir.remove();
    },
  };
}
