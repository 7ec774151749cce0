// The request body queue: backpressure signals, per-chunk accounting, failure and discard.
import { describe, expect, it } from "vitest";
import { BodyQueue } from "../../src/server/body-queue.js";

async function drain(queue: BodyQueue): Promise<number> {
  let bytes = 0;
  for await (const chunk of queue) bytes += chunk.length;
  return bytes;
}

describe("BodyQueue", () => {
  it("reports full past the high-water mark and not full once the reader drains below half", async () => {
    const signals: boolean[] = [];
    const queue = new BodyQueue(1000, (full) => signals.push(full));
    queue.push(new Uint8Array(600));
    expect(signals).toEqual([]);
    queue.push(new Uint8Array(600));
    expect(signals).toEqual([true]);
    queue.end();
    expect(await drain(queue)).toBe(1200);
    expect(signals).toEqual([true, false]);
  });

  it("counts each chunk's overhead, so many tiny chunks fill it long before their bytes would", () => {
    let full = false;
    const queue = new BodyQueue(64 * 1024, (value) => {
      full = value;
    });
    let pushed = 0;
    while (!full) {
      queue.push(new Uint8Array(1));
      pushed++;
    }
    expect(pushed).toBeLessThan(1000);
  });

  it("makes the reader throw after fail(), and ends it after discard()", async () => {
    const failed = new BodyQueue(100, () => undefined);
    failed.push(new Uint8Array(10));
    failed.fail(new Error("client gone"));
    await expect(drain(failed)).rejects.toThrow("client gone");
    const discarded = new BodyQueue(100, () => undefined);
    discarded.push(new Uint8Array(10));
    discarded.discard();
    discarded.push(new Uint8Array(10));
    expect(await drain(discarded)).toBe(0);
  });

  it("wakes a waiting reader when bytes arrive", async () => {
    const queue = new BodyQueue(100, () => undefined);
    const read = drain(queue);
    setTimeout(() => {
      queue.push(new Uint8Array(5));
      queue.end();
    }, 10);
    expect(await read).toBe(5);
  });
});
