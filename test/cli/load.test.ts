import { describe, expect, it } from "vitest";
import { loadService, parseSpec } from "tsgi/server";
import { request } from "tsgi/testing";

describe("parseSpec", () => {
  it("splits MODULE[:EXPORT] and MODULE:EXPORT()", () => {
    expect(parseSpec("app.js")).toEqual({ module: "app.js", exportName: undefined, call: false });
    expect(parseSpec("dist/app.js:api")).toEqual({ module: "dist/app.js", exportName: "api", call: false });
    expect(parseSpec("dist/app.js:createApp()")).toEqual({ module: "dist/app.js", exportName: "createApp", call: true });
    expect(parseSpec("C:/weird path/app.js")).toEqual({ module: "C:/weird path/app.js", exportName: undefined, call: false });
  });

  it("refuses an empty spec with the form to use", () => {
    expect(() => parseSpec("  ")).toThrow(/pass MODULE\[:EXPORT\]/);
  });
});

describe("loadService", () => {
  it("loads the default export, a named one, and a factory", async () => {
    const sum = await loadService("examples/sum/app.ts");
    expect(sum.name).toBe("examples/sum/app.ts:default");
    expect((await request(sum.service.app, "GET", "/sum?a=2&b=3")).text).toBe("5");
    const service = await loadService("test/cli/fixtures/slow-app.ts");
    expect(typeof service.service.startup).toBe("function");
    const named = await loadService("test/cli/fixtures/slow-app.ts:named");
    expect((await request(named.service.app, "GET", "/x")).text).toBe("ok");
    const made = await loadService("test/cli/fixtures/slow-app.ts:createApp()");
    expect(made.name).toBe("test/cli/fixtures/slow-app.ts:createApp()");
    expect((await request(made.service.app, "GET", "/x")).text).toBe("ok");
  });

  it("names the exports that exist when the one asked for is missing", async () => {
    await expect(loadService("test/cli/fixtures/slow-app.ts:nope")).rejects.toThrow('test/cli/fixtures/slow-app.ts has no export "nope"; its exports: createApp, default, named');
  });

  it("says where it looked for a missing module, and that a directory needs a file name", async () => {
    await expect(loadService("nowhere/app.js")).rejects.toThrow(/cannot load "nowhere\/app\.js": no file .*\/nowhere\/app\.js$/);
    await expect(loadService("examples/sum")).rejects.toThrow(/is a directory; name the file, e.g\. examples\/sum\/app\.js/);
  });

  it("refuses an export that is not an app, a service or a factory", async () => {
    await expect(loadService("test/cli/fixtures/not-an-app.ts:answer")).rejects.toThrow(/is number; export an app/);
  });
});
