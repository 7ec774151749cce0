import { describe, expect, it } from "vitest";
import { exitCodeOf, UsageError } from "../../src/cli/errors.js";
import { serveOptionsFrom } from "../../src/cli/serve-command.js";

describe("serve options", () => {
  it("maps pool flags to the pool's settings in milliseconds", () => {
    const options = serveOptionsFrom({ workers: "2", timeout: "30", "heartbeat-timeout": "5", "max-requests": "1000" });
    expect(options.serverOptions).toEqual({ timeoutMs: 30_000, heartbeatTimeoutMs: 5000, maxRequests: 1000 });
  });

  it("refuses pool flags without a pool and names the flag", () => {
    expect(() => serveOptionsFrom({ "heartbeat-timeout": "5" })).toThrow("--heartbeat-timeout need the pool: add --workers N (N >= 2)");
  });
});

describe("exit codes", () => {
  it("uses the code an error carries: 2 for usage, 3 for a pool that cannot boot, else 1", () => {
    expect(exitCodeOf(new UsageError("bad flag"))).toBe(2);
    expect(exitCodeOf(Object.assign(new Error("workers keep failing"), { name: "PoolBootError", exitCode: 3 }))).toBe(3);
    expect(exitCodeOf(new Error("anything"))).toBe(1);
    expect(exitCodeOf("not an error")).toBe(1);
  });
});
