// The noise guard counts the CPU of processes other than the bench: work the bench's own children do,
// even grandchildren reaped by a child (CGI processes under lighttpd), is not "other".
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { machineBusyTicks, othersCores, snapshot } from "../../bench/lib/noise.mjs";
import { clockTicks } from "../../bench/lib/proc.mjs";

// A busy grandchild prints the CPU time it used, in microseconds.
const busyLoop = "const end = Date.now() + 600; while (Date.now() < end); const u = process.cpuUsage(); process.stdout.write(String(u.user + u.system));";

describe("bench noise guard", () => {
  it("reads the machine's busy ticks from /proc/stat, leaving idle and iowait out", () => {
    expect(machineBusyTicks("cpu  100 5 50 9000 70 3 2 10 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")).toBe(170);
    expect(machineBusyTicks("intr 1 2 3\n")).toBeUndefined();
  });

  it.skipIf(process.platform !== "linux")("counts as the bench's own the CPU of grandchildren a still-running child reaped (CGI under lighttpd)", async () => {
    const before = snapshot();
    // A child that runs and reaps a busy grandchild, says so, and stays alive, as lighttpd does.
    const child = spawn(process.execPath, ["-e", `console.log(require("node:child_process").execFileSync(process.execPath, ["-e", ${JSON.stringify(busyLoop)}], { encoding: "utf8" })); setTimeout(() => {}, 30000);`], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const grandchildUs = await new Promise<number>((resolve, reject) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
        child.once("exit", (code) => reject(new Error(`child exited with ${code}`)));
      });
      const after = snapshot();
      expect(grandchildUs).toBeGreaterThan(100_000);
      expect(othersCores(before, after)).toBeGreaterThanOrEqual(0);
      // The grandchild's CPU time belongs to the bench, whatever else the machine does (ticks: 10 ms).
      expect((after.bench! - before.bench!) / clockTicks()).toBeGreaterThanOrEqual(grandchildUs / 1e6 - 0.02);
    } finally {
      child.kill();
    }
  });
});
