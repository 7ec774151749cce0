// `tsgi serve --workers 2 --metrics-path /metrics`, run as users run it (node dist/cli.js; npm run build first):
// a scrape on any worker answers for the whole pool, read by a real Prometheus parser; a worker killed
// with SIGKILL is counted as a restart and its requests stay counted. Loopback only; every wait bounded.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { queryControl } from "../../src/server/pool/control.js";
import { freePort, tempDir } from "../support/daemon.js";
import { APP, gauge, HAVE_DIST, requests, restarts, scrape, scrapeUntil, send, sum, tsgi, type Served } from "../metrics/support.js";

let pool: Served | undefined;
const dir = tempDir("tsgi-pool-metrics-");
afterEach(async () => {
  await pool?.stop();
  pool = undefined;
});

const control = (port: number): string => join(dir.path, `${port}.sock`);

async function startPool(): Promise<number> {
  const port = await freePort();
  pool = tsgi(["serve", APP, "--workers", "2", "--bind", `127.0.0.1:${port}`, "--no-access-log", "--metrics-path", "/metrics",
    "--control-socket", control(port)]);
  await pool.waitFor(/tsgi pool: serving/, 30_000);
  return port;
}

describe.runIf(HAVE_DIST)("tsgi serve --workers 2 --metrics-path (node dist/cli.js)", () => {
  it("a scrape on any worker sums every worker's requests; a SIGKILLed worker is a restart and its counts stay", async () => {
    const port = await startPool();
    const pids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const reply = await send(port, "/pid");
      expect(reply.status).toBe(200);
      pids.add(reply.body);
    }
    expect((await send(port, "/missing")).status).toBe(404);
    expect(pids.size).toBe(2);

    const page = await scrapeUntil(port, (p) => sum(requests(p)) >= 6);
    expect(requests(page)).toEqual({ "GET 2xx": 5, "GET 4xx": 1 });
    expect(Number(page.tsgi_request_duration_seconds!.metrics[0]!.count)).toBe(6);
    expect(gauge(page, "tsgi_workers")).toBe(2);
    expect(gauge(page, "tsgi_requests_in_flight")).toBe(0);
    expect(gauge(page, "tsgi_queue_length")).toBe(process.platform === "linux" ? 0 : NaN);
    expect(page.tsgi_worker_restarts_total!.metrics).toEqual([]);
    // Each scrape is a new connection, so the round robin puts them on both workers: each answers for the pool.
    for (let i = 0; i < 3; i++) expect(requests(await scrape(port))).toEqual({ "GET 2xx": 5, "GET 4xx": 1 });

    const [victim] = [...pids];
    process.kill(Number(victim), "SIGKILL");
    const after = await scrapeUntil(port, (p) => restarts(p).exit === 1 && gauge(p, "tsgi_workers") === 2);
    expect(restarts(after)).toEqual({ exit: 1 });
    expect(gauge(after, "tsgi_workers")).toBe(2);
    expect(requests(after)).toEqual({ "GET 2xx": 5, "GET 4xx": 1 });
    expect(Number(after.tsgi_request_duration_seconds!.metrics[0]!.count)).toBe(6);

    for (let i = 0; i < 4; i++) expect((await send(port, "/pid")).status).toBe(200);
    const more = await scrapeUntil(port, (p) => sum(requests(p)) >= 10);
    expect(requests(more)).toEqual({ "GET 2xx": 9, "GET 4xx": 1 });
    expect(pool!.stderr()).toMatch(new RegExp(`pid ${victim}\\) died \\(SIGKILL\\); replacing it`));
    expect(await pool!.stop()).toBe(0);
  }, 60_000);

  it("a rolling reload (SIGHUP) replaces both workers, counted as reload, and loses no request", async () => {
    const port = await startPool();
    for (let i = 0; i < 6; i++) expect((await send(port, "/")).status).toBe(200);
    pool!.child.kill("SIGHUP");
    await pool!.waitFor(/SIGHUP: reloading/, 10_000);
    // No scrape until the old workers are gone (a scrape would carry their counts): within their first heartbeat,
    // only the counts each sends once drained keep their requests.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const status = await queryControl(control(port), "status");
      if (status.processes.length === 2 && status.processes.every((w) => w.generation === 2 && w.state === "ready")) break;
      if (Date.now() > deadline) throw new Error(`the reload did not finish: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const page = await scrape(port);
    expect(restarts(page)).toEqual({ reload: 2 });
    expect(requests(page)).toEqual({ "GET 2xx": 6 });
    expect(await pool!.stop()).toBe(0);
  }, 60_000);
});
