import { describe, expect, it } from "vitest";
import { errorReply, type App } from "tsgi";
import { lint } from "tsgi/lint";
import { request } from "tsgi/testing";
import { getSession, sessions } from "tsgi/middleware/session";
import { Jar, manualClock } from "./support.js";

const KEY_A = "a".repeat(16) + "-first-secret-key-32b";
const KEY_B = "b".repeat(16) + "-second-secret-key-3b";

// Counts visits, remembers ?set=..., flashes on ?flash=..., logs out on /logout.
const counter: App = (env) => {
  const session = getSession(env);
  if (env.PATH_INFO === "/logout") {
    session.destroy();
    return { status: 200, headers: [], body: "bye" };
  }
  const params = new URLSearchParams(env.QUERY_STRING);
  if (params.has("set")) session.set("value", params.get("set"));
  if (params.has("flash")) session.flash(params.get("flash") as string, "note");
  if (params.has("big")) session.set("big", "x".repeat(Number(params.get("big"))));
  const visits = (session.get<number>("visits") ?? 0) + 1;
  if (!params.has("readonly")) session.set("visits", visits);
  const flashes = params.has("flash") ? "" : session.flashes().map((f) => `${f.category}:${f.message}`).join(",");
  return { status: 200, headers: [["content-type", "text/plain"]], body: `${visits}|${session.get<string>("value") ?? ""}|${flashes}` };
};

function site(options: Partial<Parameters<typeof sessions>[0]> = {}, clock = manualClock()): App {
  const inner = sessions({ keys: [KEY_A], now: clock.now, ...options })(counter);
  return async (env) => {
    try {
      return await inner(env);
    } catch (error) {
      return errorReply(error);
    }
  };
}

async function visit(app: App, jar: Jar, url = "/", https = false) {
  return jar.take(await request(app, "GET", https ? `https://example.com${url}` : url, { headers: jar.headers() }));
}

describe("cookie sessions", () => {
  it("keeps values across requests with safe cookie defaults", async () => {
    const jar = new Jar();
    const app = site();
    const first = await visit(app, jar, "/?set=dune");
    expect(first.text).toBe("1|dune|");
    const header = first.header("set-cookie") ?? "";
    expect(header).toMatch(/^session=s1\./);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/Path=\//);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).not.toMatch(/Secure/);
    expect((await visit(app, jar)).text).toBe("2|dune|");
    const secure = await request(app, "GET", "https://example.com/");
    expect(secure.header("set-cookie")).toMatch(/Secure/);
  });

  it("sets no cookie for a session nobody wrote to", async () => {
    const reply = await request(site(), "GET", "/?readonly=1");
    expect(reply.headerAll("set-cookie")).toEqual([]);
  });

  it("shows a flash message once", async () => {
    const jar = new Jar();
    const app = site();
    await visit(app, jar, "/?flash=saved");
    expect((await visit(app, jar)).text).toBe("2||note:saved");
    expect((await visit(app, jar)).text).toBe("3||");
  });

  it("treats tampered, truncated, empty, garbage and oversized cookies as no session, without throwing", async () => {
    const jar = new Jar();
    const app = site();
    await visit(app, jar, "/?set=secret");
    const good = jar.cookies.get("session") as string;
    const [prefix, payload, mac] = good.split(".") as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ d: { visits: 99, value: "admin" }, iat: 1, exp: 4e9 })).toString("base64url");
    const bad = [
      `${prefix}.${forged}.${mac}`, // payload swapped
      `${prefix}.${payload}.${mac.slice(0, -2)}`, // truncated MAC
      good.slice(0, good.length / 2), // truncated
      "", "s1.", "s1..", "e1.", "e1.AAAA", "s1.%%%.***", "not-a-session",
      `${prefix}.${payload}.${mac}x`,
      "s1." + "A".repeat(10 * 1024) + "." + mac, // 10 KB
    ];
    for (const value of bad) {
      const reply = await request(app, "GET", "/", { headers: { cookie: `session=${encodeURIComponent(value)}` } });
      expect(reply.status, value.slice(0, 40)).toBe(200);
      expect(reply.text, value.slice(0, 40)).toBe("1||");
    }
    const huge = await request(app, "GET", "/", { headers: { cookie: "session=" + "A".repeat(20_000) } });
    expect(huge.text).toBe("1||");
  });

  it("rejects an expired cookie and a cookie issued in the future", async () => {
    const clock = manualClock();
    const app = site({ maxAge: 60 }, clock);
    const jar = new Jar();
    await visit(app, jar, "/?set=x");
    clock.advance(59_000);
    const fresh = await request(app, "GET", "/?readonly=1", { headers: jar.headers() });
    expect(fresh.text).toBe("2|x|");
    clock.advance(2_000);
    expect((await request(app, "GET", "/?readonly=1", { headers: jar.headers() })).text).toBe("1||");

    // A cookie signed by a machine whose clock runs an hour ahead.
    const ahead = manualClock(clock.now() + 3600_000);
    const future = new Jar();
    await visit(site({ maxAge: 7200 }, ahead), future, "/?set=y");
    expect((await request(site({ maxAge: 7200 }, clock), "GET", "/?readonly=1", { headers: future.headers() })).text).toBe("1||");
  });

  it("re-issues a cookie read after half its lifetime, so active users stay logged in", async () => {
    const clock = manualClock();
    const app = site({ maxAge: 100 }, clock);
    const jar = new Jar();
    await visit(app, jar, "/?set=x");
    clock.advance(40_000);
    expect((await visit(app, jar, "/?readonly=1")).headerAll("set-cookie")).toEqual([]);
    clock.advance(20_000);
    expect((await visit(app, jar, "/?readonly=1")).headerAll("set-cookie")).toHaveLength(1);
    clock.advance(90_000);
    expect((await visit(app, jar, "/?readonly=1")).text).toBe("2|x|");
  });

  it("rotates keys: signs with the newest, accepts every listed key, refuses removed ones", async () => {
    const clock = manualClock();
    const jar = new Jar();
    await visit(site({ keys: [KEY_A] }, clock), jar, "/?set=old");
    const rotated = site({ keys: [KEY_B, KEY_A] }, clock);
    const reply = await visit(rotated, jar, "/");
    expect(reply.text).toBe("2|old|");
    // The new cookie is signed with KEY_B: a site knowing only KEY_B accepts it.
    expect((await visit(site({ keys: [KEY_B] }, clock), jar, "/")).text).toBe("3|old|");
    // A site that dropped KEY_B does not.
    expect((await request(site({ keys: [KEY_A] }, clock), "GET", "/", { headers: jar.headers() })).text).toBe("1||");
  });

  it("encrypts values when asked, and refuses a tampered ciphertext", async () => {
    const jar = new Jar();
    const app = site({ encrypt: true });
    await visit(app, jar, "/?set=top-secret-value");
    const value = jar.cookies.get("session") as string;
    expect(value).toMatch(/^e1\./);
    expect(Buffer.from(value.slice(3), "base64url").toString("latin1")).not.toContain("top-secret");
    expect((await visit(app, jar)).text).toBe("2|top-secret-value|");
    const bytes = Buffer.from(value.slice(3), "base64url");
    bytes[20] = (bytes[20] as number) ^ 1;
    const tampered = await request(app, "GET", "/", { headers: { cookie: `session=e1.${bytes.toString("base64url")}` } });
    expect(tampered.text).toBe("1||");
    // A signed-only cookie is not accepted in place of the encrypted one under another cookie name either.
    const other = site({ encrypt: true, cookie: { name: "other" } });
    expect((await request(other, "GET", "/", { headers: { cookie: `other=${value}` } })).text).toBe("1||");
  });

  it("refuses to write a cookie over 4096 bytes with an error that names the fix", async () => {
    const logs: string[] = [];
    const inner = lint()(sessions({ keys: [KEY_A] })(counter));
    const error = await Promise.resolve(inner(
      (await import("tsgi/testing")).buildEnv("GET", "/?big=5000", { env: { "tsgi.errors": { write: (m: string) => logs.push(m) } } }),
    )).then(() => undefined, (thrown: unknown) => thrown as Error & { status: number; expose: boolean });
    expect(error?.status).toBe(500);
    expect(error?.expose).toBe(false);
    expect(error?.message).toMatch(/4096 bytes.*server-side store/);
  });

  it("clears the cookie on destroy", async () => {
    const jar = new Jar();
    const app = site();
    await visit(app, jar, "/?set=x");
    const bye = await visit(app, jar, "/logout");
    expect(bye.header("set-cookie")).toMatch(/^session=;.*Max-Age=0/);
    expect(jar.cookies.has("session")).toBe(false);
  });

  it("fails fast on weak keys and unsafe cookie attributes", () => {
    expect(() => sessions({ keys: [] })).toThrow(/keys/);
    expect(() => sessions({ keys: ["short"] })).toThrow(/at least 32/);
    // sessions({ keys: [process.env.SESSION_KEY!] }) with the variable unset: the cause (key #0 undefined) and the fix.
    expect(() => sessions({ keys: [undefined as unknown as string] })).toThrow(/session key #0 is undefined: .*SESSION_KEY\) set\? openssl rand -base64 32/);
    expect(() => sessions({ keys: ["k".repeat(32), 42 as unknown as string] })).toThrow(/session key #1 is a number/);
    for (const name of ["a;b", "a=b", "a\rb", "a b"]) expect(() => sessions({ keys: [KEY_A], cookie: { name } })).toThrow(/cookie name/);
    expect(() => sessions({ keys: [KEY_A], cookie: { path: "/a;Domain=evil" } })).toThrow(/cookie path/);
    expect(() => sessions({ keys: [KEY_A], cookie: { path: "/a\r\nX: y" } })).toThrow(/cookie path/);
    expect(() => sessions({ keys: [KEY_A], cookie: { domain: "a.com;x" } })).toThrow(/cookie domain/);
    expect(() => sessions({ keys: [KEY_A], cookie: { domain: "a.com=" } })).toThrow(/cookie domain/);
  });
});
