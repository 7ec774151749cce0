/**
 * `tsgi/metrics`: Prometheus text-format metrics for any app — requests by method and status class,
 * requests in flight, a duration histogram, and the pool's worker restarts and queue when it reports them.
 *
 * @example
 * ```ts
 * import { stack } from "tsgi";
 * import { metrics } from "tsgi/metrics";
 * export default stack(metrics({ path: "/metrics" }), app); // curl http://127.0.0.1:8000/metrics
 * ```
 * @module
 */
export { metrics, type MetricsOptions } from "./metrics.js";
export { MetricsRegistry, mergeSnapshots, DEFAULT_BUCKETS, type MetricsSnapshot, type PoolMetricsHooks } from "./registry.js";
export { renderMetrics, METRICS_CONTENT_TYPE } from "./render.js";
