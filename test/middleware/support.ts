// A tiny cookie jar for middleware tests: keeps what Set-Cookie says, sends it back as Cookie.
import type { TestReply } from "tsgi/testing";

export class Jar {
  readonly cookies = new Map<string, string>();

  /** Stores (or deletes, for Max-Age=0) every cookie a reply sets; returns the reply. */
  take(reply: TestReply): TestReply {
    for (const header of reply.headerAll("set-cookie")) {
      const [pair = ""] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, decodeURIComponent(value));
    }
    return reply;
  }

  /** The Cookie header to send, as request headers. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");
    return cookie === "" ? extra : { cookie, ...extra };
  }
}

/** A clock tests move by hand (milliseconds). */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance(ms: number): void } {
  let time = start;
  return { now: () => time, advance: (ms) => { time += ms; } };
}
