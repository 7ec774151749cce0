import { describe, expect, it } from "vitest";
import { factory, stack, toService, type App, type Middleware } from "tsgi";
import { request } from "tsgi/testing";

const tag = (name: string): Middleware => (app) => async (env) => {
  const reply = await app(env);
  return { ...reply, headers: [...reply.headers, ["x-layer", name]] };
};

const hello: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "hello" });

describe("stack", () => {
  it("wraps outermost first, so the first middleware sees the reply last", async () => {
    const reply = await request(stack(tag("outer"), tag("inner"), hello), "GET", "/");
    expect(reply.headerAll("x-layer")).toEqual(["inner", "outer"]);
    expect(reply.text).toBe("hello");
  });

  it("returns the app itself when given no middleware", () => {
    expect(stack(hello)).toBe(hello);
  });
});

describe("toService", () => {
  it("wraps an app, keeps a service, awaits a marked factory", async () => {
    expect((await toService(hello)).app).toBe(hello);
    const shutdown = (): void => undefined;
    expect((await toService({ app: hello, shutdown })).shutdown).toBe(shutdown);
    const built = await toService(factory(async () => hello));
    expect(built.app).toBe(hello);
  });

  it("names the fix for an export that is not an app", async () => {
    await expect(toService(42, { name: "app.ts:default" })).rejects.toThrow(/app\.ts:default is number; export an app/);
  });
});
