import { describe, expect, it } from "vitest";
import { describeError, exitCodeOf, UsageError } from "../../src/cli/errors.js";
import { BindError, ListenError, LoadError, PoolBootError, PoolOptionError, ServeError } from "../../src/server/errors.js";
import { serveOptionsFrom } from "../../src/cli/serve-command.js";
import { masterSettings, memoryCeiling } from "../../src/server/pool/options.js";

describe("serve options", () => {
  it("maps pool flags to the pool's settings in milliseconds", () => {
    const options = serveOptionsFrom({ workers: "2", timeout: "30", "heartbeat-timeout": "5", "max-requests": "1000" });
    expect(options.serverOptions).toEqual({ timeoutMs: 30_000, heartbeatTimeoutMs: 5000, maxRequests: 1000 });
  });

  it("refuses pool flags without a pool and names the flag", () => {
    expect(() => serveOptionsFrom({ "heartbeat-timeout": "5" })).toThrow("--heartbeat-timeout need the pool: add --workers N (N >= 2)");
    expect(() => serveOptionsFrom({ "max-worker-memory": "512", "status-path": "/_pool" })).toThrow("--max-worker-memory, --status-path need the pool");
  });

  it("takes --timeout 0 (no timeout) and --max-worker-memory in MB", () => {
    expect(serveOptionsFrom({ workers: "2", timeout: "0", "max-worker-memory": "512" }).serverOptions).toEqual({ timeoutMs: 0, maxWorkerMemoryMb: 512 });
    expect(() => serveOptionsFrom({ workers: "2", "max-worker-memory": "lots" })).toThrow('--max-worker-memory must be a whole number >= 1; got "lots"');
  });

  it("ships a default request timeout of 30 s for the pool; 0 turns it off", () => {
    expect(masterSettings({ spec: "a.js" }).timeoutMs).toBe(30_000);
    expect(masterSettings({ spec: "a.js", timeoutMs: 0 }).timeoutMs).toBeUndefined();
    expect(masterSettings({ spec: "a.js", timeoutMs: 2500 }).timeoutMs).toBe(2500);
    expect(memoryCeiling({ spec: "a.js", maxWorkerMemoryMb: 2 })).toBe(2 * 1024 * 1024);
    expect(() => memoryCeiling({ spec: "a.js", maxWorkerMemoryMb: -1 })).toThrow(PoolOptionError);
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
