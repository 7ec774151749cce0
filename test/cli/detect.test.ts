import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { detectServer } from "tsgi/server";

describe("--server auto", () => {
  it("picks CGI when GATEWAY_INTERFACE is set, FastCGI on a listening fd 0, HTTP otherwise", () => {
    expect(detectServer({ env: { GATEWAY_INTERFACE: "CGI/1.1" }, isListeningSocket: () => true })).toBe("cgi");
    expect(detectServer({ env: {}, isListeningSocket: (fd) => fd === 0 })).toBe("fastcgi");
    expect(detectServer({ env: {}, isListeningSocket: () => false })).toBe("http");
    expect(detectServer({ env: { GATEWAY_INTERFACE: "" }, isListeningSocket: () => false })).toBe("http");
  });

  it("tells a listening socket on fd 0 from node's own stdio pipes (connected sockets)", async () => {
    const probe = `import("${new URL("../../src/server/detect.ts", import.meta.url).pathname}").then((m) => process.stdout.write(String(m.isListeningSocket(0))))`;
    const run = (stdin: "pipe" | "ignore" | number): string => spawnSync(process.execPath, ["--import", "tsx", "-e", probe], { stdio: [stdin, "pipe", "inherit"], encoding: "utf8" }).stdout;
    expect(run("pipe")).toBe("false");
    expect(run("ignore")).toBe("false");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
      expect(run(fd)).toBe("true");
    } finally {
      server.close();
    }
  });
});
