// Penny in process, through the test client (every request through lint), plus its own pieces.
import { describe, expect, it, afterAll } from "vitest";
import type { App, Service } from "tsgi";
import { request } from "tsgi/testing";
import { createPenny } from "../../examples/penny/app.js";
import { Library } from "../../examples/penny/library.js";
import { sqliteRateStore } from "../../examples/penny/sqlite-rate-store.js";
import { sqliteStore } from "../../examples/penny/sqlite-store.js";
import { tempDir } from "../support/daemon.js";
import { pennyCases, type Transport } from "./penny-cases.js";

const dir = tempDir("tsgi-penny-test-");
const PASSWORD = "test-password";
const service: Service = await createPenny({ dataDir: dir.path, password: PASSWORD, scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: true });
afterAll(async () => {
  await service.shutdown?.();
  dir.remove();
});

function inProcess(app: App, scriptName = ""): Transport {
  return async (method, path, init) => {
    const reply = await request(app, method, `http://localhost${path}`, { headers: init.headers, ...(init.form !== undefined ? { form: init.form } : {}), ...(scriptName !== "" ? { scriptName } : {}) });
    return { status: reply.status, header: (name) => reply.header(name), setCookies: reply.headerAll("set-cookie"), text: reply.text };
  };
}

describe("Penny in process", () => {
  pennyCases(() => inProcess(service.app), PASSWORD);
});

describe("Penny mounted below a prefix", () => {
  pennyCases(() => inProcess(service.app, "/shop"), PASSWORD, "/shop");
});

describe("Penny's parts", () => {
  it("writes an access log line per request", async () => {
    const reply = await request(service.app, "GET", "/search/dune");
    expect(reply.logs.some((line) => /"GET \/search\/dune HTTP\/1.1" 200 \d+/.test(line))).toBe(true);
  });

  it("searches with every word, treating % and _ literally", () => {
    const library = new Library(dir.path);
    expect(library.search("dune").map((b) => b.title)).toEqual(["Dune", "Dune Messiah"]);
    expect(library.search("herbert messiah").map((b) => b.title)).toEqual(["Dune Messiah"]);
    expect(library.search("%")).toEqual([]);
    expect(library.search("_")).toEqual([]);
    expect(library.search("   ")).toEqual([]);
    library.close();
  });

  it("keeps sessions in SQLite with expiry", async () => {
    const library = new Library(dir.path);
    let now = 1_000_000;
    const store = sqliteStore(library, () => now);
    await store.set("a", { data: { x: 1 }, cookieIssuedAt: 0 }, 1000);
    expect(await store.get("a")).toEqual({ data: { x: 1 }, cookieIssuedAt: 0 });
    now += 900;
    await store.touch("a", 1000);
    now += 900;
    expect(await store.get("a")).toBeDefined();
    now += 200;
    expect(await store.get("a")).toBeUndefined();
    await store.destroy("a");
    library.close();
  });

  it("writes a session back only while it exists, so a logout elsewhere stays final", async () => {
    const library = new Library(dir.path);
    const store = sqliteStore(library);
    expect(await store.replace?.("gone", { data: { user: "penny" }, cookieIssuedAt: 0 }, 60_000)).toBe(false);
    expect(await store.get("gone")).toBeUndefined();
    await store.set("live", { data: {}, cookieIssuedAt: 0 }, 60_000);
    expect(await store.replace?.("live", { data: { cart: 1 }, cookieIssuedAt: 0 }, 60_000)).toBe(true);
    expect(await store.get("live")).toEqual({ data: { cart: 1 }, cookieIssuedAt: 0 });
    library.close();
  });

  it("counts login attempts in SQLite, shared by every process on the machine", async () => {
    const one = new Library(dir.path);
    const two = new Library(dir.path);
    const a = sqliteRateStore(one);
    const b = sqliteRateStore(two);
    expect(await a.hit("k", 7, 60_000)).toEqual({ current: 1, previous: 0 });
    expect(await b.hit("k", 7, 60_000)).toEqual({ current: 2, previous: 0 });
    expect(await a.hit("k", 8, 60_000)).toEqual({ current: 1, previous: 2 });
    await b.reset("k", 8);
    expect(await a.hit("k", 8, 60_000)).toEqual({ current: 1, previous: 0 });
    one.close();
    two.close();
  });

  it("opens an existing database without seeding twice", async () => {
    const again = await createPenny({ dataDir: dir.path, password: PASSWORD, scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: false, warn: (line) => { throw new Error(`unexpected warning: ${line}`); } });
    const reply = await request(again.app, "GET", "/search/dune");
    expect(reply.text).toContain("2 books for “dune”");
    await again.shutdown?.();
  });
});

describe("Penny's start-up password check (issue 13 item 10)", () => {
  it("warns when the configured password differs from the stored keeper's, and then hides the demo hint", async () => {
    const warnings: string[] = [];
    const other = await createPenny({ dataDir: dir.path, password: "not-the-stored-one", scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: false, warn: (line) => warnings.push(line) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^penny: warning: PENNY_PASSWORD does not match the stored password of the keeper "penny" in .*penny\.sqlite3.*delete that file/);
    await other.shutdown?.();
    const demo = await createPenny({ dataDir: dir.path, scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: false, warn: (line) => warnings.push(line) });
    expect(warnings[1]).toMatch(/the demo password "bookworm" \(PENNY_PASSWORD is not set\) does not match/);
    expect((await request(demo.app, "GET", "/login")).text).not.toContain("Demo login");
    await demo.shutdown?.();
    const unchecked = await createPenny({ dataDir: dir.path, password: "wrong", checkPassword: false, scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: false, warn: (line) => warnings.push(line) });
    expect(warnings).toHaveLength(2);
    await unchecked.shutdown?.();
  });
});

describe("Penny's error pages (issue 13 item 10)", () => {
  it("answers a server error with a page in the site's look for browsers, plain text for curl", async () => {
    const brokenDir = tempDir("tsgi-penny-broken-");
    const broken = await createPenny({ dataDir: brokenDir.path, password: PASSWORD, scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: false });
    await broken.shutdown?.(); // closes the database: every search now throws
    try {
      const page = await request(broken.app, "GET", "/search/dune", { headers: { accept: "text/html" } });
      expect(page.status).toBe(500);
      expect(page.header("content-type")).toBe("text/html; charset=utf-8");
      expect(page.text).toContain('<link rel="stylesheet" href="/static/penny.css">');
      expect(page.text).toContain("<h1 id=\"error-title\">Something broke</h1>");
      expect(page.text).not.toMatch(/database|sqlite/i);
      const curl = await request(broken.app, "GET", "/search/dune", { headers: { accept: "*/*" } });
      expect(curl.status).toBe(500);
      expect(curl.header("content-type")).toBe("text/plain; charset=utf-8");
    } finally {
      brokenDir.remove();
    }
  });
});

describe("Penny's demo login hint", () => {
  it("shows the demo credentials only while the default password is in use", async () => {
    const demoDir = tempDir("tsgi-penny-demo-");
    const demo = await createPenny({ dataDir: demoDir.path, scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: false });
    expect((await request(demo.app, "GET", "/login")).text).toContain("Demo login: penny / bookworm");
    expect((await request(service.app, "GET", "/login")).text).not.toContain("Demo login");
    await demo.shutdown?.();
    demoDir.remove();
  });
});

describe("Penny and anonymous visitors", () => {
  it("creates no session for searching", async () => {
    for (const path of ["/", "/search/dune", "/books/9780441172719"]) {
      const reply = await request(service.app, "GET", path);
      expect(reply.headerAll("set-cookie").filter((c) => c.startsWith("penny_session="))).toEqual([]);
    }
    expect((await request(service.app, "GET", "/login")).header("set-cookie")).toMatch(/^penny_session=/);
  });
});

describe("Penny throttles password guessing (issue 12 item 8)", () => {
  it("answers 429 with Retry-After after too many wrong passwords, across two processes on one database", async () => {
    const guessDir = tempDir("tsgi-penny-guess-");
    const options = { dataDir: guessDir.path, password: PASSWORD, scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: false, loginLimits: { perUser: { limit: 5, windowMs: 600_000 } } };
    const workers = [await createPenny(options), await createPenny(options)];
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const worker = workers[i % 2] as Service;
        const page = await request(worker.app, "GET", "/login");
        const cookie = (page.header("set-cookie") ?? "").split(";")[0] as string;
        const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
        const reply = await request(worker.app, "POST", "/login", { headers: { cookie }, form: { username: "penny", password: i < 7 ? "wrong" : PASSWORD, _csrf: token } });
        statuses.push(reply.status);
        if (reply.status === 429) expect(Number(reply.header("retry-after"))).toBeGreaterThan(0);
        if (i === 7) {
          const page = await request(worker.app, "POST", "/login", { headers: { cookie, accept: "text/html" }, form: { username: "penny", password: PASSWORD, _csrf: token } });
          expect(page.status).toBe(429);
          expect(page.text).toContain("<h1 id=\"error-title\">Slow down</h1>");
          expect(page.text).toMatch(/<p class="message">too many login attempts; try again in \d+ s<\/p>/);
        }
      }
      expect(statuses).toEqual([303, 303, 303, 303, 303, 429, 429, 429]);
    } finally {
      for (const worker of workers) await worker.shutdown?.();
      guessDir.remove();
    }
  });
});
