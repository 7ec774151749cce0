// Each server loads only when chosen: a CGI request never loads the HTTP, FastCGI or SCGI server or the
// pool, and an HTTP server never loads the others. Traced with module hooks in a real `tsgi serve`.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort, tempDir } from "../support/daemon.js";
import { ROOT } from "./run-cli.js";

const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const TRACE = pathToFileURL(join(ROOT, "test/cli/fixtures/trace-loads.mjs")).href;

/** The src/server/ folders (or files) a `tsgi serve` run loaded. */
async function serverParts(args: string[], env: Record<string, string>, until?: (stderr: string) => boolean): Promise<{ parts: Set<string>; stdout: string }> {
  const dir = tempDir("tsgi-trace-");
  const traceFile = join(dir.path, "trace");
  const child = spawn(process.execPath, ["--conditions=tsgi-source", "--import", TSX, "--import", TRACE, join(ROOT, "src/cli.ts"), "serve", ...args], {
    cwd: ROOT, env: { ...process.env, ...env, TSGI_TRACE_FILE: traceFile }, stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (until?.(stderr) === true) child.kill("SIGTERM");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await new Promise((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  const parts = new Set<string>();
  for (const url of readFileSync(traceFile, "utf8").split("\n")) {
    if (!url.startsWith("file:")) continue;
    const path = relative(ROOT, fileURLToPath(url));
    const match = /^src\/server\/([^/]+)/.exec(path);
    if (match !== null) parts.add(match[1] as string);
  }
  rmSync(dir.path, { recursive: true, force: true });
  return { parts, stdout };
}

describe("servers load lazily, from the one server table", () => {
  it("a CGI request loads the CGI runner and no socket server or pool", async () => {
    const { parts, stdout } = await serverParts(["examples/sum/app.ts"], {
      GATEWAY_INTERFACE: "CGI/1.1", REQUEST_METHOD: "GET", PATH_INFO: "/sum", QUERY_STRING: "a=2&b=40", SERVER_NAME: "x", SERVER_PORT: "80",
    });
    expect(stdout).toMatch(/\r\n\r\n42$/);
    expect(parts.has("cgi")).toBe(true);
    expect(parts.has("registry.ts")).toBe(true);
    for (const other of ["http", "fastcgi", "scgi", "pool", "socket-server.ts"]) expect([...parts]).not.toContain(other);
  }, 30_000);

  it("an HTTP server loads neither FastCGI, SCGI, CGI nor the pool", async () => {
    const port = await freePort();
    const { parts } = await serverParts(["examples/sum/app.ts", "--bind", `127.0.0.1:${port}`], {}, (stderr) => /serving/.test(stderr));
    expect(parts.has("http")).toBe(true);
    for (const other of ["fastcgi", "scgi", "cgi", "pool"]) expect([...parts]).not.toContain(other);
  }, 30_000);
});
