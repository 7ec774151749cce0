/** Request durations' bucket bounds in seconds when none are given (Prometheus clients' usual defaults). */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** Methods counted by name; any other method is counted as `OTHER`, so clients cannot mint label values. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "OTHER"] as const;
const METHOD_INDEX = new Map<string, number>(METHODS.map((method, i) => [method, i]));
const OTHER = METHODS.length - 1;
/** Status classes 1xx..5xx; anything outside 100-599 counts as 5xx. */
const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;

/** A plain, JSON-safe copy of every count: what a worker sends its master and {@link renderMetrics} prints. */
export interface MetricsSnapshot {
  /** Finished requests by `"METHOD 2xx"`. */
  requests: Record<string, number>;
  inFlight: number;
  buckets: number[];
  /** Cumulative counts per bucket bound, same order as `buckets`. */
  bucketCounts: number[];
  durationCount: number;
  durationSum: number;
  /** Worker restarts by reason (`exit`, `timeout`, `memory`, ...). */
  workerRestarts: Record<string, number>;
  /** Requests or connections waiting for a worker; absent when nothing reported it. */
  queueLength?: number;
  /** Live workers; absent when nothing reported it. */
  workers?: number;
}

/** What a pool (or any supervisor) reports about its processes. */
export interface PoolMetricsHooks {
  /** A worker was replaced; `reason` is a short fixed word such as `exit`, `timeout` or `memory`. */
  workerRestarted(reason: string): void;
  /** How many requests or connections are waiting for a worker now. */
  queueLength(length: number): void;
  /** How many workers are alive now. */
  workers(count: number): void;
}

/**
 * The counts behind {@link metrics}: one per process (or per app), never module-global.
 *
 * @example
 * ```ts
 * import { MetricsRegistry, metrics } from "tsgi/metrics";
 * const registry = new MetricsRegistry();
 * const app = metrics({ registry })(myApp);
 * registry.workerRestarted("timeout"); // what a supervisor reports
 * ```
 */
export class MetricsRegistry implements PoolMetricsHooks {
  readonly buckets: readonly number[];
  /** Finished requests by method (row) and status class (column), flat: the hot path only increments. */
  #requests = new Array<number>(METHODS.length * CLASSES.length).fill(0);
  #inFlight = 0;
  /** Durations per bucket, not cumulative (the last slot is above every bound); summed up in snapshot(). */
  #bucketCounts: number[];
  #durationCount = 0;
  #durationSum = 0;
  #restarts = new Map<string, number>();
  #queue: number | undefined;
  #workers: number | undefined;

  constructor(options: { buckets?: readonly number[] } = {}) {
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)];
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= (buckets[i - 1] as number)))) {
      throw new TypeError(`metrics: buckets must be finite numbers in increasing order (got [${buckets.join(", ")}]); e.g. buckets: [0.01, 0.1, 1]`);
    }
    this.buckets = Object.freeze(buckets);
    this.#bucketCounts = new Array<number>(buckets.length + 1).fill(0);
  }

  /** A request started. */
  started(): void {
    this.#inFlight++;
  }

  /** A request finished (its body was sent or failed) with `status` after `seconds`. */
  finished(method: string, status: number, seconds: number): void {
    if (this.#inFlight > 0) this.#inFlight--;
    const row = METHOD_INDEX.get(method) ?? OTHER;
    const column = Number.isInteger(status) && status >= 100 && status <= 599 ? Math.floor(status / 100) - 1 : 4;
    this.#requests[row * CLASSES.length + column]!++;
    this.#durationCount++;
    this.#durationSum += seconds;
    const bounds = this.buckets;
    let i = 0;
    while (i < bounds.length && seconds > (bounds[i] as number)) i++;
    this.#bucketCounts[i]!++;
  }

  workerRestarted(reason: string): void {
    const key = /^[a-z][a-z0-9_-]{0,31}$/.test(reason) ? reason : "other";
    this.#restarts.set(key, (this.#restarts.get(key) ?? 0) + 1);
  }

  queueLength(length: number): void {
    this.#queue = length;
  }

  workers(count: number): void {
    this.#workers = count;
  }

  /** Every count as plain data, e.g. to send from a worker to its master. */
  snapshot(): MetricsSnapshot {
    const requests: Record<string, number> = {};
    this.#requests.forEach((count, i) => {
      if (count > 0) requests[`${METHODS[Math.floor(i / CLASSES.length)]} ${CLASSES[i % CLASSES.length]}`] = count;
    });
    let cumulative = 0;
    const bucketCounts = this.buckets.map((_, i) => (cumulative += this.#bucketCounts[i] as number));
    return {
      requests,
      inFlight: this.#inFlight,
      buckets: [...this.buckets],
      bucketCounts,
      durationCount: this.#durationCount,
      durationSum: this.#durationSum,
      workerRestarts: Object.fromEntries(this.#restarts),
      ...(this.#queue === undefined ? {} : { queueLength: this.#queue }),
      ...(this.#workers === undefined ? {} : { workers: this.#workers }),
    };
  }
}

/**
 * Adds several snapshots (one per worker) into one; the pool's own gauges come from the last snapshot that has them.
 *
 * @example
 * ```ts
 * const total = mergeSnapshots([workerA, workerB, master.snapshot()]);
 * ```
 */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const first = snapshots[0];
  if (first === undefined) return new MetricsRegistry().snapshot();
  const out: MetricsSnapshot = { ...first, requests: {}, inFlight: 0, bucketCounts: first.buckets.map(() => 0), durationCount: 0, durationSum: 0, workerRestarts: {} };
  for (const s of snapshots) {
    if (s.buckets.join() !== first.buckets.join()) throw new TypeError("mergeSnapshots: every snapshot must use the same buckets; pass one buckets option to every worker");
    for (const [k, v] of Object.entries(s.requests)) out.requests[k] = (out.requests[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.workerRestarts)) out.workerRestarts[k] = (out.workerRestarts[k] ?? 0) + v;
    s.bucketCounts.forEach((v, i) => (out.bucketCounts[i]! += v));
    out.inFlight += s.inFlight;
    out.durationCount += s.durationCount;
    out.durationSum += s.durationSum;
    if (s.queueLength !== undefined) out.queueLength = s.queueLength;
    if (s.workers !== undefined) out.workers = s.workers;
  }
  return out;
}
