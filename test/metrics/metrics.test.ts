// Scrapes metrics() over a real HTTP server and reads the page with a real Prometheus text-format parser.
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, describe, expect, it } from "vitest";
import { memorySink, stack, type App } from "tsgi";
import { serveHttp } from "tsgi/http";
import { lint } from "tsgi/lint";
import { mergeSnapshots, metrics, MetricsRegistry, METRICS_CONTENT_TYPE } from "tsgi/metrics";
import type { RunningServer } from "tsgi/server";

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(app: App): Promise<string> {
  const server = await serveHttp(lint()(app), { bind: "127.0.0.1:0", log: memorySink() });
  running.push(server);
  return `http://127.0.0.1:${server.port}`;
}

let release: () => void = () => {};
const app: App = async (env) => {
  if (env.PATH_INFO === "/slow") {
    await new Promise<void>((resolve) => (release = resolve));
    return { status: 200, headers: [["content-type", "text/plain"]], body: "slow\n" };
  }
  if (env.PATH_INFO === "/stream") {
    return { status: 200, headers: [["content-type", "text/plain"]], body: (async function* () { yield "a"; yield "b"; })() };
  }
  if (env.PATH_INFO === "/boom") throw new Error("boom");
  if (env.PATH_INFO === "/missing") return { status: 404, headers: [["content-type", "text/plain"]], body: "no\n" };
  return { status: 200, headers: [["content-type", "text/plain"]], body: "ok\n" };
};

async function scrape(base: string, path = "/metrics") {
  const response = await fetch(base + path);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe(METRICS_CONTENT_TYPE);
  const families = parsePrometheusTextFormat(await response.text());
  return Object.fromEntries(families.map((f) => [f.name, f]));
}

describe("metrics()", () => {
  it("counts requests by method and status class, in flight and durations, parsed by a real parser", async () => {
    const base = await start(stack(metrics({ path: "/_metrics", buckets: [0.05, 1, 5] }), app));
    await (await fetch(base + "/")).text();
    await (await fetch(base + "/", { method: "POST", body: "x" })).text();
    await (await fetch(base + "/missing")).text();
    await (await fetch(base + "/stream")).text();
    expect((await fetch(base + "/boom")).status).toBe(500);
    await (await fetch(base + "/x", { method: "PROPFIND" })).text();
    const slow = fetch(base + "/slow");
    await new Promise((r) => setTimeout(r, 100));

    const m = await scrape(base, "/_metrics");
    const requests = m.tsgi_requests_total!;
    expect(requests.type).toBe("COUNTER");
    const counts = Object.fromEntries(requests.metrics.map((s) => [`${s.labels!.method} ${s.labels!.status}`, Number(s.value)]));
    expect(counts).toEqual({ "GET 2xx": 2, "POST 2xx": 1, "GET 4xx": 1, "GET 5xx": 1, "OTHER 2xx": 1 });
    expect(m.tsgi_requests_in_flight!.type).toBe("GAUGE");
    expect(Number(m.tsgi_requests_in_flight!.metrics[0]!.value)).toBe(1);
    const histogram = m.tsgi_request_duration_seconds!;
    expect(histogram.type).toBe("HISTOGRAM");
    const sample = histogram.metrics[0]!;
    expect(Number(sample.count)).toBe(6);
    expect(Object.keys(sample.buckets!).sort()).toEqual(["+Inf", "0.05", "1", "5"].sort());
    expect(Number(sample.buckets!["+Inf"])).toBe(6);
    expect(Number(sample.buckets!["0.05"])).toBeLessThanOrEqual(Number(sample.buckets!["1"]));

    release();
    await (await slow).text();
    const after = await scrape(base, "/_metrics");
    expect(Number(after.tsgi_requests_in_flight!.metrics[0]!.value)).toBe(0);
    expect(Number(after.tsgi_request_duration_seconds!.metrics[0]!.count)).toBe(7);
    expect(Number(after.tsgi_request_duration_seconds!.metrics[0]!.sum)).toBeGreaterThanOrEqual(0.09);
  });

  it("reports pool hooks and merges workers' snapshots", async () => {
    const worker1 = new MetricsRegistry();
    const worker2 = new MetricsRegistry();
    worker1.started();
    worker1.finished("GET", 200, 0.002);
    worker2.started();
    worker2.finished("GET", 503, 0.2);
    const master = new MetricsRegistry();
    master.workerRestarted("timeout");
    master.workerRestarted("timeout");
    master.workerRestarted("Bad\"Reason\n");
    master.queueLength(3);
    master.workers(4);
    const base = await start(stack(metrics({ collect: () => mergeSnapshots([worker1.snapshot(), worker2.snapshot(), master.snapshot()]) }), app));
    const m = await scrape(base);
    const restarts = Object.fromEntries(m.tsgi_worker_restarts_total!.metrics.map((s) => [s.labels!.reason, Number(s.value)]));
    expect(restarts).toEqual({ timeout: 2, other: 1 });
    expect(Number(m.tsgi_queue_length!.metrics[0]!.value)).toBe(3);
    expect(Number(m.tsgi_workers!.metrics[0]!.value)).toBe(4);
    const counts = Object.fromEntries(m.tsgi_requests_total!.metrics.map((s) => [`${s.labels!.method} ${s.labels!.status}`, Number(s.value)]));
    expect(counts).toEqual({ "GET 2xx": 1, "GET 5xx": 1 });
    expect(Number(m.tsgi_request_duration_seconds!.metrics[0]!.buckets!["0.005"])).toBe(1);
  });

  it("answers HEAD without a body, refuses other methods at the path, and does not count scrapes", async () => {
    const base = await start(stack(metrics(), app));
    const head = await fetch(base + "/metrics", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await fetch(base + "/metrics", { method: "POST", body: "" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const m = await scrape(base);
    expect(m.tsgi_requests_total!.metrics).toEqual([]);
  });

  it("refuses a bad path, prefix or buckets with a message naming the fix", () => {
    expect(() => metrics({ path: "metrics" })).toThrow(/path must start with "\/".*metrics\(\{ path: "\/metrics" \}\)/);
    expect(() => metrics({ prefix: "1x-" })).toThrow(/prefix must be .*e\.g\. prefix: "myapp_"/);
    expect(() => metrics({ buckets: [1, 0.5] })).toThrow(/increasing order.*buckets: \[0\.01, 0\.1, 1\]/);
  });
});
