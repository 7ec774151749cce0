// End to end in a real browser: Debian's Chromium (driven by playwright-core, never a downloaded
// browser) → nginx → the tsgi pool running Penny over FastCGI. Log in, search, see the remembered
// search, add a book, log out, and be refused afterwards, also when replaying the old cookies.
import { writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { nginxConfig, nginxFastCgiSite } from "../support/fcgi-hosts.js";
import { startPool, type PoolProcess } from "../server/pool/support.js";
import { freshIsbn } from "../examples/penny-cases.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PASSWORD = "browser-password";
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.runIf(haveBinaries("nginx", "chromium"))("Penny in Chromium through nginx → FastCGI pool", () => {
  const dir = tempDir("tsgi-penny-browser-");
  let pool: PoolProcess;
  let nginx: Daemon;
  let browser: Browser;
  let base = "";

  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    const backend = await freePort();
    pool = await startPool({ spec: join(ROOT, "examples/penny/app.ts"), workers: 2, server: "fastcgi", bind: `127.0.0.1:${backend}` }, {
      env: { PENNY_DATA_DIR: join(dir.path, "data"), PENNY_PASSWORD: PASSWORD, PENNY_SCRYPT_LOGN: "12", PENNY_ACCESS_LOG: "0" },
    });
    const port = await freePort();
    const conf = join(dir.path, "nginx.conf");
    writeFileSync(conf, nginxConfig(dir.path, nginxFastCgiSite({ backend: `127.0.0.1:${backend}`, listen: `127.0.0.1:${port}`, keepConn: true })));
    nginx = await startDaemon("nginx", ["-g", "daemon off;", "-c", conf, "-p", dir.path], { port });
    base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS, timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await nginx?.stop();
    await pool?.stop();
    dir.remove();
  });

  it("logs in, searches, remembers the search, adds a book, logs out and is refused afterwards", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });

    await page.goto(base + "/");
    await page.fill("#q", "dune");
    await Promise.all([page.waitForURL(`${base}/search/dune`), page.click("form.search button")]);
    expect(await page.textContent(".count")).toBe("2 books for “dune”");
    expect(await page.locator(".results li").count()).toBe(2);

    await page.goto(base + "/");
    expect(await page.textContent("#last-search")).toBe("dune");

    await page.goto(base + "/books/new");
    expect(page.url()).toBe(`${base}/login?next=%2Fbooks%2Fnew`);
    await page.fill("#username", "penny");
    await page.fill("#password", "not it");
    await Promise.all([page.waitForURL(/\/login\?next=/), page.click("form.login button")]);
    expect(await page.textContent(".flash")).toBe("wrong username or password");
    await page.fill("#username", "penny");
    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForURL(`${base}/books/new`), page.click("form.login button")]);
    expect(await page.textContent(".who")).toBe("penny");

    const isbn = freshIsbn();
    await page.fill("#isbn", isbn);
    await page.fill("#title", "Chromium's Choice");
    await page.fill("#author", "Headless Reader");
    await page.fill("#year", "2026");
    await Promise.all([page.waitForURL(`${base}/books/${isbn}`), page.click("form.add button")]);
    expect(await page.textContent(".flash")).toBe("added “Chromium's Choice”");
    expect(await page.textContent("h1 cite")).toBe("Chromium's Choice");

    await page.goto(base + "/search/headless");
    expect(await page.textContent(".results")).toContain("Chromium's Choice");

    const loggedIn = await context.cookies();
    await Promise.all([page.waitForURL(`${base}/`), page.click("form.inline button")]);
    expect(await page.textContent(".flash")).toBe("you are logged out");
    await page.goto(base + "/books/new");
    expect(page.url()).toContain("/login?next=");

    const thief = await browser.newContext();
    await thief.addCookies(loggedIn);
    const replay = await thief.newPage();
    await replay.goto(base + "/books/new");
    expect(replay.url()).toContain("/login?next=");
    await thief.close();

    expect(problems, problems.join("\n")).toEqual([]);
    await context.close();
  });

  it("refuses a cross-site form post even from a logged-in browser", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base + "/login");
    await page.fill("#username", "penny");
    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click("form.login button")]);
    // A page on another origin (a data: URL) posting to Penny: the browser sends Sec-Fetch-Site: cross-site.
    const attacker = await context.newPage();
    await attacker.setContent(`<form id="f" method="post" action="${base}/books"><input name="isbn" value="${freshIsbn()}"><input name="title" value="Evil"><input name="author" value="Eve"><input name="year" value=""></form>`);
    const [response] = await Promise.all([attacker.waitForResponse(`${base}/books`), attacker.evaluate("document.getElementById('f').submit()")]);
    expect(response.status()).toBe(403);
    expect(await response.text()).toMatch(/CSRF check failed/);
    await context.close();
  });
});
