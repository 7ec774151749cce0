// End to end in a real browser: Debian's Chromium (driven by playwright-core, never a downloaded
// browser) → nginx → the tsgi pool running Penny over FastCGI. Log in, search, see the remembered
// search, add a book, log out, and be refused afterwards, also when replaying the old cookies. Every
// page a browser can meet — error pages included — is screenshotted (desktop and phone widths) into
// .tsgi-tmp/penny-screenshots (or $PENNY_SCREENSHOTS) for a person to look at, and its layout checked
// by measuring boxes: the nav's "Log out" aligned, submit buttons below the last field, a one-line
// header on a phone.
import { writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Service } from "tsgi";
import { serveHttp } from "tsgi/http";
import { memorySink } from "tsgi/testing";
import { createPenny } from "../../examples/penny/app.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import { nginxConfig, nginxFastCgiSite } from "../support/fcgi-hosts.js";
import { startPool, type PoolProcess } from "../server/pool/support.js";
import { freshIsbn } from "../examples/penny-cases.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PASSWORD = "browser-password";
const SHOTS = process.env.PENNY_SCREENSHOTS ?? join(ROOT, ".tsgi-tmp/penny-screenshots");
const PHONE = { width: 360, height: 740 };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The page is one of Penny's: its stylesheet loaded, header and footer present. */
async function looksLikePenny(page: Page): Promise<void> {
  expect(await page.locator("header .brand").textContent()).toBe("Penny's Books");
  expect(await page.locator("footer").textContent()).toBe("Served by tsgi.");
  expect(await page.evaluate('getComputedStyle(document.querySelector("header")).backgroundColor')).toBe("rgb(91, 58, 41)");
}

/** The box of a selector; fails when it is not rendered. */
async function box(page: Page, selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await page.locator(selector).first().boundingBox();
  expect(found, `${selector} is rendered`).not.toBeNull();
  return found as { x: number; y: number; width: number; height: number };
}

/** Every item of the header on one line: the same vertical centre (±3 px) and no horizontal overflow. */
async function headerOnOneLine(page: Page): Promise<void> {
  // Evaluated in the page (a string, as the project's types have no DOM).
  const centres = await page.evaluate(`[...document.querySelectorAll("header .brand, header nav > *")]
    .filter((element) => element.offsetParent !== null)
    .map((element) => { const r = element.getBoundingClientRect(); return r.top + r.height / 2; })`) as number[];
  expect(centres.length).toBeGreaterThan(1);
  for (const centre of centres) expect(Math.abs(centre - (centres[0] as number)), `header items ${centres.join(", ")}`).toBeLessThanOrEqual(3);
  const overflow = await page.evaluate('document.querySelector("header").scrollWidth - document.querySelector("header").clientWidth') as number;
  expect(overflow).toBeLessThanOrEqual(0);
}

/** The form's submit button starts below its last visible field. */
async function buttonBelowLastField(page: Page, form: string): Promise<void> {
  const fields = page.locator(`${form} input:not([type=hidden])`);
  const last = await fields.nth((await fields.count()) - 1).boundingBox();
  const button = await box(page, `${form} button[type=submit]`);
  expect(last).not.toBeNull();
  expect(button.y).toBeGreaterThanOrEqual((last as { y: number; height: number }).y + (last as { height: number }).height);
}

const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.runIf(haveBinaries("nginx", "chromium"))("Penny in Chromium through nginx → FastCGI pool", () => {
  const dir = tempDir("tsgi-penny-browser-");
  let pool: PoolProcess;
  let nginx: Daemon;
  let browser: Browser;
  let base = "";

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
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
    // The 422 of the invalid form below is meant; any other console error is a problem.
    page.on("console", (message) => { if (message.type() === "error" && !/status of 422\b/.test(message.text())) problems.push(message.text()); });

    await page.goto(base + "/");
    await page.fill("#q", "dune");
    await shot(page, "home");
    await Promise.all([page.waitForURL(`${base}/search/dune`), page.click("form.search button")]);
    expect(await page.textContent(".count")).toBe("2 books for “dune”");
    expect(await page.locator(".results li").count()).toBe(2);
    await shot(page, "results");
    await Promise.all([page.waitForURL(/\/books\/\d+$/), page.click(".results li a >> nth=0")]);
    expect(await page.textContent("h1 cite")).toBe("Dune");
    await shot(page, "book");

    await page.goto(base + "/");
    expect(await page.textContent("#last-search")).toBe("dune");

    await page.goto(base + "/books/new");
    expect(page.url()).toBe(`${base}/login?next=%2Fbooks%2Fnew`);
    await looksLikePenny(page);
    await buttonBelowLastField(page, "form.login");
    await shot(page, "login");
    await page.fill("#username", "penny");
    await page.fill("#password", "not it");
    await Promise.all([page.waitForURL(/\/login\?next=/), page.click("form.login button")]);
    expect(await page.textContent(".flash")).toBe("wrong username or password");
    await page.fill("#username", "penny");
    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForURL(`${base}/books/new`), page.click("form.login button")]);
    expect(await page.textContent(".who")).toBe("penny");
    await headerOnOneLine(page);
    const logout = await box(page, "nav form.inline button");
    const addLink = await box(page, 'nav a[href$="/books/new"]');
    expect(Math.abs((logout.y + logout.height / 2) - (addLink.y + addLink.height / 2)), "Log out is centred with the nav links").toBeLessThanOrEqual(2);
    await buttonBelowLastField(page, "form.add");
    await shot(page, "add-book");
    await page.setViewportSize(PHONE);
    await headerOnOneLine(page);
    await shot(page, "add-book-phone");
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.fill("#isbn", "12");
    await page.fill("#title", "x");
    await page.fill("#author", "y");
    await Promise.all([page.waitForURL(`${base}/books`), page.click("form.add button")]);
    expect(await page.textContent("#isbn-problem")).toBe("an ISBN has 10 or 13 digits");
    await buttonBelowLastField(page, "form.add");
    await shot(page, "add-book-problems");

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
    await page.setViewportSize(PHONE);
    await headerOnOneLine(page);
    await shot(page, "home-phone");
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
    await attacker.waitForLoadState();
    await looksLikePenny(attacker);
    expect(await attacker.textContent("h1")).toBe("Not allowed");
    expect(await attacker.textContent(".message")).toMatch(/^CSRF check failed: the browser says this request is cross-site/);
    await shot(attacker, "error-403-csrf");
    await context.close();
  });

  it("shows a missing book, an unknown page and too many login attempts as Penny's pages", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const missing = await page.goto(base + "/books/9999999999");
    expect(missing?.status()).toBe(404);
    await looksLikePenny(page);
    expect(await page.textContent("h1")).toBe("No book with ISBN 9999999999");
    await shot(page, "error-404-book");
    const nowhere = await page.goto(base + "/no/such/page");
    expect(nowhere?.status()).toBe(404);
    await looksLikePenny(page);
    expect(await page.textContent(".message")).toBe("There is no page at /no/such/page.");
    await shot(page, "error-404");
    await page.setViewportSize(PHONE);
    await headerOnOneLine(page);
    await shot(page, "error-404-phone");
    await page.setViewportSize({ width: 1280, height: 720 });
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++) {
      await page.goto(base + "/login");
      await page.fill("#username", "guesser");
      await page.fill("#password", `guess ${i}`);
      const [response] = await Promise.all([page.waitForResponse(`${base}/login`), page.click("form.login button")]);
      status = response.status();
    }
    expect(status).toBe(429);
    await page.waitForLoadState();
    await looksLikePenny(page);
    expect(await page.textContent("h1")).toBe("Slow down");
    expect(await page.textContent(".message")).toMatch(/^too many login attempts; try again in \d+ s$/);
    await shot(page, "error-429");
    await context.close();
  });
});

describe.runIf(haveBinaries("chromium"))("Penny's server error page in Chromium", () => {
  const dir = tempDir("tsgi-penny-broken-browser-");
  let service: Service;
  let server: { close(options?: { graceMs?: number }): Promise<void>; port: number | undefined };
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    service = await createPenny({ dataDir: dir.path, password: PASSWORD, scryptCost: { logN: 10, r: 8, p: 1 }, accessLog: false });
    await service.shutdown?.(); // the database is closed: every search now fails with a 500
    server = await serveHttp(service.app, { bind: "127.0.0.1:0", log: memorySink() });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS, timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close({ graceMs: 500 });
    dir.remove();
  });

  it("answers a 500 with a page in the site's look that leaks nothing", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`http://127.0.0.1:${server.port}/search/dune`);
    expect(response?.status()).toBe(500);
    await looksLikePenny(page);
    expect(await page.textContent("h1")).toBe("Something broke");
    expect(await page.textContent(".message")).toBe("Penny could not answer this request. Please try again in a moment.");
    expect(await page.content()).not.toMatch(/database|sqlite|stack/i);
    await shot(page, "error-500");
    await page.close();
  });
});
