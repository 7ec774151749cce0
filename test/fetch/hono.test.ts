// A Hono app whose routes are written for the root answers them through fromFetchHandler wherever it
// runs: mounted in a framework app, behind a SCRIPT_NAME, and as a CGI script under a real lighttpd.
import { writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hono } from "hono";
import { fromFetchHandler } from "tsgi/fetch";
import { createApp } from "tsgi/framework";
import { request } from "tsgi/testing";
import { bundleCgi } from "../../src/cli/bundle-command.js";
import { freePort, haveBinaries, startDaemon, tempDir, type Daemon } from "../support/daemon.js";
import bridged, { hono } from "./fixtures/hono-app.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("fromFetchHandler: the URL carries PATH_INFO by default", () => {
  const site = createApp()
    .get("/", () => "site root")
    .mount("/legacy", bridged)
    .mount("/based", fromFetchHandler(new Hono().basePath("/based").get("/hi", (c) => c.text(`hi ${new URL(c.req.url).pathname}`)).fetch, { path: "full" }));

  it("answers the Hono app's routes under a mount", async () => {
    expect((await request(site, "GET", "/legacy/sum?a=2&b=3")).text).toBe("5");
    expect((await request(site, "GET", "/legacy/")).text).toBe("hono root");
    expect((await request(site, "POST", "/legacy/echo", { body: "data" })).text).toBe("echo data");
    expect((await request(site, "GET", "/legacy/where?x=%20y")).json()).toEqual({ path: "/where", query: "?x=%20y" });
    expect((await request(site, "GET", "/legacy/nothing")).status).toBe(404);
  });

  it("answers them behind a server's SCRIPT_NAME, and at the root", async () => {
    expect((await request(bridged, "GET", "/shop/sum?a=1&b=1", { scriptName: "/shop" })).text).toBe("2");
    expect((await request(bridged, "GET", "/shop", { scriptName: "/shop" })).text).toBe("hono root");
    expect((await request(bridged, "GET", "/sum?a=4&b=5")).text).toBe("9");
  });

  it("gives the whole path with path: \"full\", for an app routed with a matching basePath", async () => {
    expect((await request(site, "GET", "/based/hi")).text).toBe("hi /based/hi");
    const full = fromFetchHandler(hono.fetch, { path: "full" });
    expect((await request(full, "GET", "/shop/sum?a=1&b=1", { scriptName: "/shop" })).status).toBe(404);
  });

  it("refuses an unknown path option, naming the choices", () => {
    expect(() => fromFetchHandler(hono.fetch, { path: "script" as "full" })).toThrow(/"path-info" or "full"/);
  });
});

describe.runIf(haveBinaries("lighttpd"))("a Hono app as a CGI script under lighttpd mod_cgi", () => {
  let daemon: Daemon;
  let port: number;
  let temp: { path: string; remove(): void };

  beforeAll(async () => {
    temp = tempDir("tsgi-hono-cgi-");
    chmodSync(temp.path, 0o755);
    const cgiDir = join(temp.path, "cgi-bin");
    mkdirSync(cgiDir);
    await bundleCgi({ spec: join(ROOT, "test/fetch/fixtures/hono-app.ts"), out: join(cgiDir, "hono.cgi"), conditions: ["tsgi-source"], cwd: ROOT });
    mkdirSync(join(temp.path, "htdocs"));
    port = await freePort();
    const config = join(temp.path, "lighttpd.conf");
    writeFileSync(config, [
      `server.document-root = "${join(temp.path, "htdocs")}"`,
      `server.bind = "127.0.0.1"`,
      `server.port = ${port}`,
      `server.errorlog = "${join(temp.path, "error.log")}"`,
      `server.modules = ("mod_alias", "mod_cgi", "mod_setenv")`,
      `alias.url = ("/cgi-bin/" => "${cgiDir}/")`,
      `cgi.assign = (".cgi" => "")`,
      `setenv.add-environment = ("PATH" => "${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin")`,
      "",
    ].join("\n"));
    daemon = await startDaemon("lighttpd", ["-D", "-f", config], { port });
  });
  afterAll(async () => {
    await daemon?.stop();
    temp?.remove();
  });

  const fetchText = async (path: string, init?: RequestInit): Promise<[number, string]> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    return [response.status, await response.text()];
  };

  it("answers its routes below the script's URL", async () => {
    expect(await fetchText("/cgi-bin/hono.cgi/sum?a=2&b=3")).toEqual([200, "5"]);
    expect(await fetchText("/cgi-bin/hono.cgi/")).toEqual([200, "hono root"]);
    expect(await fetchText("/cgi-bin/hono.cgi")).toEqual([200, "hono root"]);
    expect(await fetchText("/cgi-bin/hono.cgi/echo", { method: "POST", body: "from the client" })).toEqual([200, "echo from the client"]);
    const [status, where] = await fetchText("/cgi-bin/hono.cgi/where?q=1");
    expect(status).toBe(200);
    expect(JSON.parse(where)).toEqual({ path: "/where", query: "?q=1" });
    expect((await fetchText("/cgi-bin/hono.cgi/missing"))[0]).toBe(404);
  });
});
