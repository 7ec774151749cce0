// The same server-side session cases against every Store (memory, Redis).
import { expect, it } from "vitest";
import { errorReply, type App } from "tsgi";
import { request } from "tsgi/testing";
import { getSession, sessions, type Store } from "tsgi/middleware/session";
import { Jar } from "./support.js";

/** A login/logout app over a store: /login?user=x regenerates, /logout destroys, / shows the user. */
export function storeSite(store: Store, maxAge = 3600): App {
  const app: App = (env) => {
    const session = getSession(env);
    const user = new URLSearchParams(env.QUERY_STRING).get("user");
    if (env.PATH_INFO === "/login" && user !== null) {
      session.regenerate();
      session.set("user", user);
    } else if (env.PATH_INFO === "/logout") {
      session.destroy();
      session.flash("logged out");
    } else if (env.PATH_INFO === "/touch") {
      session.set("touched", true);
    }
    const flashes = env.PATH_INFO === "/" ? session.flashes().map((f) => f.message).join(",") : "";
    return { status: 200, headers: [["content-type", "text/plain"]], body: `user=${session.get<string>("user") ?? "-"} ${flashes}`.trim() };
  };
  const inner = sessions({ store, maxAge })(app);
  return async (env) => {
    try {
      return await inner(env);
    } catch (error) {
      return errorReply(error);
    }
  };
}

/** Registers the shared cases; `store()` gives the store under test. */
export function storeCases(store: () => Store): void {
  it("uses a random id of at least 128 bits and keeps values in the store", async () => {
    const jar = new Jar();
    const app = storeSite(store());
    jar.take(await request(app, "GET", "/touch"));
    const id = jar.cookies.get("session") as string;
    expect(Buffer.from(id, "base64url").byteLength * 8).toBeGreaterThanOrEqual(128);
    expect(await store().get(id)).toMatchObject({ data: { touched: true } });
  });

  it("issues a new id on login and deletes the old one", async () => {
    const jar = new Jar();
    const app = storeSite(store());
    jar.take(await request(app, "GET", "/touch"));
    const before = jar.cookies.get("session") as string;
    jar.take(await request(app, "GET", "/login?user=ada", { headers: jar.headers() }));
    const after = jar.cookies.get("session") as string;
    expect(after).not.toBe(before);
    expect(await store().get(before)).toBeUndefined();
    expect((await request(app, "GET", "/", { headers: jar.headers() })).text).toBe("user=ada");
    // The pre-login id (a fixation attempt) carries nothing.
    expect((await request(app, "GET", "/", { headers: { cookie: `session=${before}` } })).text).toBe("user=-");
  });

  it("destroys server state on logout: replaying the old cookie fails", async () => {
    const jar = new Jar();
    const app = storeSite(store());
    jar.take(await request(app, "GET", "/login?user=ada"));
    const stolen = jar.headers();
    const bye = jar.take(await request(app, "GET", "/logout", { headers: jar.headers() }));
    expect(bye.text).toBe("user=-");
    expect((await request(app, "GET", "/", { headers: stolen })).text).toBe("user=-");
    // The "logged out" flash lives in a brand-new session.
    expect((await request(app, "GET", "/", { headers: jar.headers() })).text).toBe("user=- logged out");
  });

  it("ignores ids that are malformed, unknown or huge and answers as for no session", async () => {
    const app = storeSite(store());
    for (const value of ["", "x", "A".repeat(43), "A".repeat(42) + "!", "A".repeat(10_000), "../../etc"]) {
      const reply = await request(app, "GET", "/", { headers: { cookie: `session=${value}` } });
      expect(reply.status).toBe(200);
      expect(reply.text).toBe("user=-");
    }
  });

  it("keeps a logout final while a request of the same session is still running (issue 12 item 7)", async () => {
    const { app, slowStarted, finishSlow } = slowSite((site) => sessions({ store: store() })(site));
    const jar = new Jar();
    jar.take(await request(app, "GET", "/login"));
    const stolen = jar.headers();
    const slow = request(app, "GET", "/slow", { headers: stolen });
    await slowStarted;
    const out = jar.take(await request(app, "GET", "/logout", { headers: jar.headers() }));
    expect(out.text).toBe("user=-");
    finishSlow();
    const late = await slow;
    expect(late.status).toBe(200);
    expect(late.headerAll("set-cookie")).toEqual([]);
    expect((await request(app, "GET", "/", { headers: stolen })).text).toBe("user=-");
    expect((await request(app, "GET", "/", { headers: jar.headers() })).text).toBe("user=- bye");
  });
}

/**
 * A site whose /slow request waits, then writes to its session: /login logs "ada" in, /logout destroys
 * the session (and flashes "bye"), / shows the user and flashes.
 */
export function slowSite(wrap: (app: App) => App): { app: App; slowStarted: Promise<void>; finishSlow: () => void } {
  let finishSlow!: () => void;
  const gate = new Promise<void>((resolve) => { finishSlow = resolve; });
  let started!: () => void;
  const slowStarted = new Promise<void>((resolve) => { started = resolve; });
  const text = (body: string) => ({ status: 200, headers: [["content-type", "text/plain"]] as Array<[string, string]>, body });
  const site: App = async (env) => {
    const session = getSession(env);
    if (env.PATH_INFO === "/login") {
      session.regenerate();
      session.set("user", "ada");
    } else if (env.PATH_INFO === "/logout") {
      session.destroy();
      session.flash("bye");
    } else if (env.PATH_INFO === "/slow") {
      started();
      await gate;
      session.set("cart", ["a book"]);
      return text("slow");
    }
    const flashes = env.PATH_INFO === "/" ? session.flashes().map((f) => f.message).join(",") : "";
    return text(`user=${session.get<string>("user") ?? "-"} ${flashes}`.trim());
  };
  return { app: wrap(site), slowStarted, finishSlow };
}
