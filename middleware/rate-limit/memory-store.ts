/** The rate limiter's in-process counter store. @module */
import type { RateStore, WindowCounts } from "./store.js";

/** Options for {@link memoryRateStore}. */
export interface MemoryRateStoreOptions {
  /** Most keys tracked; the least recently hit is forgotten beyond it. Default 100 000. */
  max?: number;
}

interface Counter {
  window: number;
  current: number;
  previous: number;
}

/**
 * Counts hits in this process: bounded (least recently hit keys forgotten beyond `max`), no timers. Each
 * process of a pool counts alone, so the effective limit is multiplied by the worker count: share a
 * {@link redisRateStore} there.
 *
 * @example
 * ```ts
 * rateLimit({ limit: 100, windowMs: 60_000, store: memoryRateStore({ max: 10_000 }) })
 * ```
 */
export function memoryRateStore(options: MemoryRateStoreOptions = {}): RateStore & { readonly size: number } {
  const max = options.max ?? 100_000;
  if (!Number.isInteger(max) || max < 1) throw new TypeError(`memoryRateStore max must be a positive integer; got ${String(max)}`);
  const counters = new Map<string, Counter>();
  return {
    get size() {
      return counters.size;
    },
    async hit(key, window): Promise<WindowCounts> {
      let counter = counters.get(key);
      counters.delete(key);
      if (counter === undefined || counter.window < window - 1) counter = { window, current: 0, previous: 0 };
      else if (counter.window === window - 1) counter = { window, current: 0, previous: counter.current };
      counter.current += 1;
      counters.set(key, counter); // most recently hit goes last
      if (counters.size > max) counters.delete(counters.keys().next().value as string);
      return { current: counter.current, previous: counter.previous };
    },
    async reset(key) {
      counters.delete(key);
    },
  };
}
