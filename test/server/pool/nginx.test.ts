// The pool behind real nginx: `--server fastcgi` and `--server scgi` workers sharing one socket, the
// shared interop cases through nginx, and a reload under load through nginx with no failed request.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../../support/daemon.js";
import { nginxConfig, nginxFastCgiSite, nginxScgiSite } from "../../support/fcgi-hosts.js";
import { interopCases } from "../../support/fcgi-interop.js";
import { loadLoop, readyPids, startPool, waitFor, type PoolProcess } from "./support.js";

const INTEROP_APP = fileURLToPath(new URL("./fixtures/interop-app.ts", import.meta.url));
const SUM_APP = fileURLToPath(new URL("../../../examples/sum/app.ts", import.meta.url));
const runs = haveBinaries("nginx");

for (const kind of ["fastcgi", "scgi"] as const) {
  describe.runIf(runs)(`pool --server ${kind} behind nginx`, () => {
    let pool: PoolProcess;
    let nginx: Daemon;
    let port = 0;
    const dir = tempDir("tsgi-pool-nginx-");

    beforeAll(async () => {
      // nginx's workers (an unprivileged user) buffer bodies in temp dirs under here.
      chmodSync(dir.path, 0o755);
      pool = await startPool({ spec: INTEROP_APP, server: kind, workers: 2 });
      port = await freePort();
      const backend = `127.0.0.1:${pool.port}`;
      const site = kind === "fastcgi" ? nginxFastCgiSite({ backend, listen: `127.0.0.1:${port}`, keepConn: true }) : nginxScgiSite({ backend, listen: `127.0.0.1:${port}` });
      const conf = join(dir.path, "nginx.conf");
      writeFileSync(conf, nginxConfig(dir.path, site));
      nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    });

    afterAll(async () => {
      await nginx?.stop();
      await pool?.stop();
      dir.remove();
    });

    // Abort counters live in each worker, so the shared case does not count them here.
    interopCases(() => `http://127.0.0.1:${port}`, { abortCounted: false });

    it("spreads requests over both workers", async () => {
      // More slow requests at once than nginx keeps idle upstream connections (32): nginx must open new
      // ones, and the pool hands those round-robin, whichever worker the kept ones belong to.
      const result = await loadLoop(port, { path: "/pid?ms=20", concurrency: 40, maxRequests: 400, maxMs: 20_000 });
      expect(result.failed, result.errors.join("\n")).toBe(0);
      expect([...result.pids].sort()).toEqual(readyPids(await pool.status()).map(String).sort());
    });

    it("reloads under load through nginx without a failed request", async () => {
      const before = readyPids(await pool.status());
      let done = false;
      const load = loadLoop(port, { path: "/pid?ms=20", concurrency: 40, maxMs: 40_000, stop: () => done });
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        pool.child.kill("SIGHUP");
        await waitFor(async () => {
          const status = await pool.status();
          return status.processes.length === 2 && status.processes.every((w) => w.generation === 2 && w.state === "ready");
        }, 30_000, "the reload");
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        done = true;
      }
      const result = await load;
      const errorLog = join(dir.path, "nginx-error.log");
      expect(result.failed, `${result.errors.join("\n")}\nnginx: ${existsSync(errorLog) ? readFileSync(errorLog, "utf8") : "(no error log)"}\npool: ${pool.output()}`).toBe(0);
      const after = readyPids(await pool.status());
      expect(after.some((pid) => before.includes(pid))).toBe(false);
      expect([...result.pids].filter((pid) => before.includes(Number(pid)))).toHaveLength(2);
      expect([...result.pids].filter((pid) => after.includes(Number(pid))).length).toBeGreaterThan(0);
    }, 60_000);
  });
}

describe.runIf(runs)("examples/sum in a FastCGI pool behind nginx", () => {
  it("answers the sum and the 400", async () => {
    const pool = await startPool({ spec: SUM_APP, server: "fastcgi", workers: 2 });
    const port = await freePort();
    const dir = tempDir("tsgi-pool-sum-");
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, nginxFastCgiSite({ backend: `127.0.0.1:${pool.port}`, listen: `127.0.0.1:${port}`, keepConn: false })));
    const nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/sum?a=1&b=2`);
      expect([ok.status, await ok.text()]).toEqual([200, "3"]);
      const bad = await fetch(`http://127.0.0.1:${port}/sum?a=x&b=2`);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain("a must be a number");
    } finally {
      await nginx.stop();
      await pool.stop();
      dir.remove();
    }
  });
});

describe.runIf(haveBinaries("nginx", "spawn-fcgi"))("a FastCGI pool on a socket handed over on fd 0 (spawn-fcgi)", () => {
  it("serves through nginx from the inherited socket and reloads without a failed request", async () => {
    const backendPort = await freePort();
    const pool = await startPool({ spec: INTEROP_APP, server: "fastcgi", workers: 2, bind: "fd:0" }, {
      prefix: ["spawn-fcgi", "-n", "-a", "127.0.0.1", "-p", String(backendPort), "--"],
    });
    const port = await freePort();
    const dir = tempDir("tsgi-pool-fd0-");
    chmodSync(dir.path, 0o755);
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, nginxFastCgiSite({ backend: `127.0.0.1:${backendPort}`, listen: `127.0.0.1:${port}`, keepConn: true })));
    const nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/sum?a=1&b=2`);
      expect([ok.status, await ok.text()]).toEqual([200, "3"]);
      expect((await pool.status()).url).toBe("fd:0");
      let done = false;
      const load = loadLoop(port, { path: "/pid?ms=20", concurrency: 40, maxMs: 40_000, stop: () => done });
      try {
        pool.child.kill("SIGHUP");
        await waitFor(async () => {
          const status = await pool.status();
          return status.processes.length === 2 && status.processes.every((w) => w.generation === 2 && w.state === "ready");
        }, 30_000, "the reload");
      } finally {
        done = true;
      }
      const result = await load;
      expect(result.failed, result.errors.join("\n")).toBe(0);
      expect(result.pids.size).toBeGreaterThanOrEqual(3);
    } finally {
      await nginx.stop();
      await pool.stop();
      dir.remove();
    }
  }, 60_000);
});
