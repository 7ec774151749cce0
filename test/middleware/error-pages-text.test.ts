// errorPages({ replaceText: true }) dresses the short text/plain error replies other middleware return
// (csrf's 403, rateLimit's 429) in the site's page for browsers and in JSON for APIs.
import { describe, expect, it } from "vitest";
import { stack, type App } from "tsgi";
import { request } from "tsgi/testing";
import { csrf } from "tsgi/middleware/csrf";
import { errorPages } from "tsgi/middleware/error-pages";
import { rateLimit } from "tsgi/middleware/rate-limit";

const ok: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "ok" });
const render = ({ status, message }: { status: number; message: string }): string => `<main class="site">${status}: ${message.replace(/[<&]/g, "")}</main>`;
const browser = { accept: "text/html,application/xhtml+xml" };

describe("errorPages replaceText", () => {
  const site = stack(errorPages({ replaceText: true, render }), csrf({ token: false }), rateLimit({ limit: 1, windowMs: 60_000 }), ok);

  it("dresses csrf's plain 403 for a browser, keeping the status", async () => {
    const reply = await request(site, "POST", "http://shop.example/buy", { headers: { ...browser, "sec-fetch-site": "cross-site" } });
    expect(reply.status).toBe(403);
    expect(reply.header("content-type")).toBe("text/html; charset=utf-8");
    expect(reply.text).toMatch(/^<main class="site">403: CSRF check failed: the browser says this request is cross-site/);
  });

  it("dresses a 429 keeping Retry-After, answers JSON clients in JSON and plain-text clients as before", async () => {
    await request(site, "GET", "/");
    const page = await request(site, "GET", "/", { headers: browser });
    expect(page.status).toBe(429);
    expect(page.header("retry-after")).toMatch(/^\d+$/);
    expect(page.text).toMatch(/^<main class="site">429: too many requests; try again in \d+ s<\/main>$/);
    const json = await request(site, "GET", "/", { headers: { accept: "application/json" } });
    expect(json.json<{ error: { status: number; message: string } }>().error.status).toBe(429);
    const plain = await request(site, "GET", "/", { headers: { accept: "*/*" } });
    expect(plain.header("content-type")).toBe("text/plain; charset=utf-8");
    expect(plain.text).toMatch(/^too many requests; try again in \d+ s\n$/);
  });

  it("is off by default, and leaves HTML, large and successful replies alone", async () => {
    const plain403: App = () => ({ status: 403, headers: [["content-type", "text/plain"]], body: "no" });
    expect((await request(errorPages({ render })(plain403), "GET", "/", { headers: browser })).text).toBe("no");
    const htmlError: App = () => ({ status: 404, headers: [["content-type", "text/html"]], body: "<p>mine</p>" });
    expect((await request(errorPages({ replaceText: true, render })(htmlError), "GET", "/", { headers: browser })).text).toBe("<p>mine</p>");
    const big: App = () => ({ status: 500, headers: [["content-type", "text/plain"]], body: "x".repeat(5000) });
    expect((await request(errorPages({ replaceText: true, render })(big), "GET", "/", { headers: browser })).text).toHaveLength(5000);
    expect((await request(errorPages({ replaceText: true, render })(ok), "GET", "/", { headers: browser })).text).toBe("ok");
  });
});
