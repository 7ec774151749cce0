// Starting a FastCGI server for socket-level tests and cleaning up after each.
import { afterEach } from "vitest";
import type { App } from "tsgi";
import { lint } from "tsgi/lint";
import { serveFastCgi, type FastCgiServerOptions } from "tsgi/fastcgi";
import { memorySink } from "tsgi/testing";
import type { RunningServer } from "../../../src/server/types.js";
import { FastCgiClient } from "../../support/fastcgi-client.js";

export interface Started {
  server: RunningServer;
  port: number;
  log: ReturnType<typeof memorySink>;
  client(): Promise<FastCgiClient>;
}

const servers: RunningServer[] = [];
const clients: FastCgiClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close({ graceMs: 50 });
});

/** Starts the server for `app` (wrapped in lint unless `raw`) on a free loopback port. */
export async function start(app: App, options: FastCgiServerOptions = {}, raw = false): Promise<Started> {
  const log = memorySink();
  const server = await serveFastCgi(raw ? app : lint()(app), { bind: "127.0.0.1:0", log, ...options });
  servers.push(server);
  const port = server.port as number;
  return {
    server,
    port,
    log,
    async client() {
      const c = await FastCgiClient.connect(port);
      clients.push(c);
      return c;
    },
  };
}

/** A promise with its resolve, for apps that wait on the test. */
export function gate<T = void>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true once `condition` holds, false after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

export const TEXT: [string, string] = ["content-type", "text/plain"];
