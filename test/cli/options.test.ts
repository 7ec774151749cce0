import { describe, expect, it } from "vitest";
import { describeError, exitCodeOf, UsageError } from "../../src/cli/errors.js";
import { BindError, ListenError, LoadError, PoolBootError, PoolOptionError, ServeError } from "../../src/server/errors.js";
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
    expect(exitCodeOf(new PoolBootError("workers keep failing"))).toBe(3);
    expect(exitCodeOf(new BindError("cannot parse bind"))).toBe(2);
    expect(exitCodeOf(new ListenError("busy", "EADDRINUSE"))).toBe(1);
    expect(exitCodeOf(new Error("anything"))).toBe(1);
    expect(exitCodeOf("not an error")).toBe(1);
  });
});

describe("error lines", () => {
  it("prints typed errors as they are, by type, and anything else with how to see the stack", () => {
    for (const error of [new UsageError("u"), new BindError("b"), new ListenError("l", "EACCES"), new LoadError("o"), new ServeError("s"), new PoolOptionError("p"), new PoolBootError("x")]) {
      expect(describeError(error, false)).toBe(error.message);
    }
    // Names and message text no longer decide: an impostor gets the unexpected-error treatment.
    expect(describeError(Object.assign(new Error("cannot parse bind x"), { name: "ListenError" }), false)).toBe("cannot parse bind x (run with --development for the stack)");
    expect(exitCodeOf(Object.assign(new Error("workers keep failing"), { name: "PoolBootError", exitCode: 3 }))).toBe(1);
    const unexpected = new TypeError("boom");
    expect(describeError(unexpected, true)).toBe(unexpected.stack);
  });
});
