// --metrics-path and metricsPath are checked before anything starts, each mistake a typed error naming the fix.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { serveOptionsFrom } from "../../src/cli/serve-command.js";
import { PoolOptionError, ServeError } from "../../src/server/errors.js";
import { masterSettings } from "../../src/server/pool/options.js";
import { serve } from "../../src/server/serve.js";

describe("metrics path options", () => {
  it("tsgi serve passes --metrics-path on, for one process and for the pool", () => {
    expect(serveOptionsFrom({ "metrics-path": "/metrics" }).metricsPath).toBe("/metrics");
    const pool = serveOptionsFrom({ "metrics-path": "/_m", workers: "3" });
    expect(pool).toMatchObject({ metricsPath: "/_m", workers: 3 });
    expect(serveOptionsFrom({}).metricsPath).toBeUndefined();
  });

  it("refuses a path without a leading / or equal to --status-path, as a UsageError", () => {
    expect(() => serveOptionsFrom({ "metrics-path": "metrics" })).toThrow(UsageError);
    expect(() => serveOptionsFrom({ "metrics-path": "metrics" })).toThrow('--metrics-path must start with "/", e.g. --metrics-path /metrics; got "metrics"');
    expect(() => serveOptionsFrom({ "metrics-path": "/s", "status-path": "/s", workers: "2" })).toThrow("--metrics-path and --status-path are both /s; give each its own path");
  });

  it("serve() and the pool refuse the same mistakes with their own typed errors", async () => {
    await expect(serve(() => ({ status: 200, headers: [], body: null }), { metricsPath: "metrics", signals: false })).rejects.toThrow(ServeError);
    await expect(serve(() => ({ status: 200, headers: [], body: null }), { metricsPath: "metrics", signals: false })).rejects.toThrow('metricsPath must start with "/", e.g. "/metrics"; got "metrics"');
    expect(() => masterSettings({ spec: "app.js", metricsPath: "m" })).toThrow(PoolOptionError);
    expect(() => masterSettings({ spec: "app.js", metricsPath: "/m", statusPath: "/m" })).toThrow('metricsPath and statusPath are both "/m"; give each its own path');
  });
});
