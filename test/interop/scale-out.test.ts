// Beyond one machine: two pool servers (think two hosts) behind one nginx `upstream`, sharing sessions
// in a real redis-server. A login made through one is honoured by the other; a logout through either
// ends it everywhere. Each backend also has its own nginx port so the test can pick the machine.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { nginxConfig } from "../support/fcgi-hosts.js";
import { scaleOutSite } from "../support/scale-out-hosts.js";
import { startRedis, type RedisServer } from "../support/redis.js";
import { startPool, type PoolProcess } from "../server/pool/support.js";
import { Browser, fetchTransport } from "../examples/penny-cases.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PASSWORD = "scale-password";

describe.runIf(haveBinaries("nginx", "redis-server"))("two pool servers behind nginx, sessions in Redis", () => {
  const dir = tempDir("tsgi-scale-out-");
  let redis: RedisServer;
  const pools: PoolProcess[] = [];
  let nginx: Daemon;
  let front = "";
  const direct: string[] = [];

  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    redis = await startRedis();
    const backends: string[] = [];
    for (const name of ["a", "b"]) {
      const port = await freePort();
      backends.push(`127.0.0.1:${port}`);
      pools.push(await startPool({ spec: join(ROOT, "examples/penny/app.ts"), workers: 2, server: "fastcgi", bind: `127.0.0.1:${port}` }, {
        env: { PENNY_DATA_DIR: join(dir.path, `machine-${name}`), PENNY_REDIS_URL: redis.url, PENNY_PASSWORD: PASSWORD, PENNY_SCRYPT_LOGN: "10", PENNY_ACCESS_LOG: "0" },
      }));
    }
    const listen = await freePort();
    const ports = [await freePort(), await freePort()];
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, scaleOutSite({ backends, listen: `127.0.0.1:${listen}`, direct: ports.map((p) => `127.0.0.1:${p}`) })));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port: listen });
    front = `http://127.0.0.1:${listen}`;
    for (const port of ports) direct.push(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const pool of pools) await pool.stop();
    await redis?.stop();
    dir.remove();
  });

  const on = (base: string, cookies: Map<string, string>): Browser => {
    const browser = new Browser(fetchTransport(() => base));
    for (const [name, value] of cookies) browser.cookies.set(name, value);
    return browser;
  };

  it("honours a login made on machine A on machine B, and a logout on B on A", async () => {
    const a = on(direct[0] as string, new Map());
    await a.get("/login");
    const login = await a.post("/login", { username: "penny", password: PASSWORD, next: "/books/new", _csrf: a.token });
    expect(login.status, login.text).toBe(303);
    const b = on(direct[1] as string, a.cookies);
    const page = await b.get("/books/new");
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('<span class="who">penny</span>');

    const stolen = new Map(a.cookies);
    const out = await b.post("/logout", { _csrf: b.token });
    expect(out.status, out.text).toBe(303);
    const replay = await on(direct[0] as string, stolen).get("/books/new");
    expect(replay.status).toBe(303);
    expect(replay.header("location")).toBe("/login?next=%2Fbooks%2Fnew");
  });

  it("keeps one session across the upstream's round robin over both machines", async () => {
    const user = on(front, new Map());
    await user.get("/login");
    await user.post("/login", { username: "penny", password: PASSWORD, next: "/", _csrf: user.token });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const page = await user.get("/books/new");
      expect(page.status, page.text).toBe(200);
      seen.add(page.header("x-backend") ?? "");
    }
    expect(seen.size).toBe(2);
  });

  it("answers 503, not a hang, while Redis is down, and recovers", async () => {
    const user = on(front, new Map());
    await user.get("/login");
    await user.post("/login", { username: "penny", password: PASSWORD, next: "/", _csrf: user.token });
    await redis.daemon.stop();
    const down = await user.get("/books/new");
    expect(down.status).toBe(503);
    redis = await startRedis(redis.port);
    let back = await user.get("/");
    for (let tries = 0; back.status !== 200 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await user.get("/");
    }
    expect(back.status).toBe(200);
  });
});
