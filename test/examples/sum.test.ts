import { describe, expect, it } from "vitest";
import { request } from "tsgi/testing";
import app from "../../examples/sum/app.js";

describe("examples/sum", () => {
  it("adds a and b", async () => {
    const reply = await request(app, "GET", "/sum?a=1&b=2");
    expect(reply.status).toBe(200);
    expect(reply.header("content-type")).toMatch(/^text\/plain/);
    expect(reply.text).toBe("3");
  });

  it("says which operand is bad and why", async () => {
    const reply = await request(app, "GET", "/sum?a=x&b=2");
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('a must be a number; got "x"');
    const missing = await request(app, "GET", "/sum?a=1");
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("b is missing");
  });

  it("refuses a sum too large to represent instead of answering Infinity", async () => {
    const reply = await request(app, "GET", "/sum?a=1e308&b=1e308");
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("too large to represent");
  });

  it("reads a urlencoded POST body", async () => {
    const reply = await request(app, "POST", "/sum", { form: { a: "1.5", b: "2" } });
    expect(reply.text).toBe("3.5");
  });

  it("answers 404 elsewhere and 405 for other methods", async () => {
    expect((await request(app, "GET", "/nope")).status).toBe(404);
    const put = await request(app, "PUT", "/sum?a=1&b=2");
    expect(put.status).toBe(405);
    expect(put.header("allow")).toBe("GET, HEAD, POST");
  });
});
