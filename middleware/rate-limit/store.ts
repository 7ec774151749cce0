/** The counter store behind the rate limiter, and the sliding-window arithmetic. @module */

/** The hits counted in a key's current fixed window and in the one before it. */
export interface WindowCounts {
  current: number;
  previous: number;
}

/**
 * Where hits are counted: per key, in fixed windows of `windowMs` numbered from the epoch. `hit` adds
 * one to window `window` and returns it with the previous window's count, atomically; `reset` forgets
 * the key's counts in `window` and the one before. A store shared by every process (Redis) makes one limit for a pool or several machines.
 *
 * @example
 * ```ts
 * const store: RateStore = memoryRateStore({ max: 50_000 });
 * ```
 */
export interface RateStore {
  hit(key: string, window: number, windowMs: number): Promise<WindowCounts>;
  reset(key: string, window: number): Promise<void>;
}

/** A decision: whether this hit is within the limit, and when to try again (seconds) when it is not. */
export interface RateDecision {
  allowed: boolean;
  /** Estimated hits in the last window, this one included. */
  count: number;
  /** Whole seconds until a new hit would be allowed; 0 when allowed. */
  retryAfter: number;
}

/**
 * Sliding-window counter: the previous window's hits weigh by how much of it still lies in the last
 * `windowMs`. `counts` include this hit; `elapsed` is the fraction (0–1) of the current window gone.
 */
export function decide(counts: WindowCounts, elapsed: number, limit: number, windowMs: number): RateDecision {
  const count = counts.previous * (1 - elapsed) + counts.current;
  if (count <= limit) return { allowed: true, count, retryAfter: 0 };
  // The next hit adds one. Within this window, the previous one's weight must fall far enough;
  // otherwise wait into the next window, where this window's hits become the weighted ones.
  let wait: number;
  if (counts.current + 1 <= limit && counts.previous > 0) wait = 1 - (limit - counts.current - 1) / counts.previous - elapsed;
  else wait = 1 - elapsed + Math.max(0, 1 - (limit - 1) / counts.current);
  return { allowed: false, count, retryAfter: Math.max(1, Math.ceil((wait * windowMs) / 1000)) };
}
