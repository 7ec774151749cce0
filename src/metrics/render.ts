import type { MetricsSnapshot } from "./registry.js";

/** The media type of the Prometheus text exposition format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function number(value: number): string {
  return value === Infinity ? "+Inf" : value === -Infinity ? "-Inf" : String(value);
}

/**
 * Prints a snapshot in the Prometheus text format (version 0.0.4), every name starting with `prefix`.
 *
 * @example
 * ```ts
 * const text = renderMetrics(registry.snapshot()); // "# TYPE tsgi_requests_total counter\n..."
 * ```
 */
export function renderMetrics(s: MetricsSnapshot, prefix = "tsgi_"): string {
  const lines: string[] = [];
  const head = (name: string, type: string, help: string) => lines.push(`# HELP ${prefix}${name} ${help}`, `# TYPE ${prefix}${name} ${type}`);

  head("requests_total", "counter", "Finished requests by method and status class.");
  for (const [key, count] of Object.entries(s.requests).sort()) {
    const [method = "", status = ""] = key.split(" ");
    lines.push(`${prefix}requests_total{method="${label(method)}",status="${label(status)}"} ${count}`);
  }
  head("requests_in_flight", "gauge", "Requests started whose reply body has not finished.");
  lines.push(`${prefix}requests_in_flight ${s.inFlight}`);
  head("request_duration_seconds", "histogram", "Seconds from the call to the reply, or to the last chunk of a streamed body.");
  s.buckets.forEach((bound, i) => lines.push(`${prefix}request_duration_seconds_bucket{le="${number(bound)}"} ${s.bucketCounts[i] ?? 0}`));
  lines.push(`${prefix}request_duration_seconds_bucket{le="+Inf"} ${s.durationCount}`);
  lines.push(`${prefix}request_duration_seconds_sum ${number(s.durationSum)}`, `${prefix}request_duration_seconds_count ${s.durationCount}`);
  head("worker_restarts_total", "counter", "Workers replaced by the pool, by reason.");
  for (const [reason, count] of Object.entries(s.workerRestarts).sort()) lines.push(`${prefix}worker_restarts_total{reason="${label(reason)}"} ${count}`);
  if (s.queueLength !== undefined) {
    head("queue_length", "gauge", "Requests or connections waiting for a worker.");
    lines.push(`${prefix}queue_length ${s.queueLength}`);
  }
  if (s.workers !== undefined) {
    head("workers", "gauge", "Live workers.");
    lines.push(`${prefix}workers ${s.workers}`);
  }
  return lines.join("\n") + "\n";
}
