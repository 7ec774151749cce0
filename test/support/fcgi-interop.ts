// The cases every FastCGI/SCGI interop suite runs through a real front server.
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { expect, it } from "vitest";
import { pattern } from "./fcgi-interop-app.js";

async function get(base: string, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(base + path);
  return { status: response.status, text: await response.text() };
}

/** Reads the first bytes of an endless reply, then drops the connection. */
function disconnectMidReply(base: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the endless reply did not start within 10 s (is the front server buffering it?)")), 10_000);
    const req = httpRequest(base + "/endless", (res) => {
      let seen = 0;
      res.on("data", (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 64 * 1024) {
          clearTimeout(timer);
          req.destroy();
          resolve(seen);
        }
      });
      res.on("error", () => undefined);
    });
    req.on("error", (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

/** Registers the shared interop cases; `base()` is the front server's URL once started. */
export function interopCases(base: () => string, options: { abortCounted?: boolean } = {}): void {
  it("answers /sum?a=1&b=2 with 3", async () => {
    const reply = await get(base(), "/sum?a=1&b=2");
    expect(reply).toEqual({ status: 200, text: "3" });
  });

  it("answers a 400 naming the bad operand, and many requests in parallel", async () => {
    const bad = await get(base(), "/sum?a=1&b=x");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("b must be a number");
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => get(base(), `/sum?a=${i}&b=1`)));
    expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 60 }, (_, i) => String(i + 1)));
  });

  it("takes a POST form", async () => {
    const response = await fetch(base() + "/sum", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=20&b=22" });
    expect(await response.text()).toBe("42");
  });

  it("streams a large upload into the app", async () => {
    const body = randomBytes(6 * 1024 * 1024);
    const response = await fetch(base() + "/upload", { method: "POST", headers: { "content-type": "application/octet-stream" }, body });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`${body.length} ${createHash("sha256").update(body).digest("hex")}`);
  });

  it("streams a large reply", async () => {
    const n = 12 * 1024 * 1024 + 5;
    const response = await fetch(base() + `/stream?n=${n}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(n);
    expect(bytes.equals(pattern(n))).toBe(true);
  });

  it("keeps serving others when a client disconnects mid-reply", async () => {
    const before = Number((await get(base(), "/aborted")).text);
    await disconnectMidReply(base());
    expect((await get(base(), "/sum?a=2&b=2")).text).toBe("4");
    if (options.abortCounted !== false) {
      const deadline = Date.now() + 5000;
      let after = before;
      while (after === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = Number((await get(base(), "/aborted")).text);
      }
      expect(after).toBe(before + 1);
    }
  });
}
