/** The time source the pool's master reads; tests pass a manual one. @module */

/** Milliseconds on a monotonic scale. */
export interface Clock {
  now(): number;
}

/** `performance.now()` — monotonic, so a wall-clock jump cannot fire a heartbeat timeout. */
export const systemClock: Clock = { now: () => performance.now() };
