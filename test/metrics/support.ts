// Helpers for the metrics tests against real processes: the compiled command (npm run build first), one GET
// per connection to 127.0.0.1, and a scrape read by a real Prometheus text-format parser.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { resolve } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { ROOT } from "../cli/run-cli.js";

export const CLI = resolve(ROOT, "dist/cli.js");
export const APP = resolve(ROOT, "test/metrics/fixtures/app.mjs");
/** Run the dist tests when the build exists, and always in CI (where a missing build is a failure). */
export const HAVE_DIST = existsSync(CLI) || process.env.CI !== undefined;

export interface Served {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | string>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code or signal. */
  stop(): Promise<number | string>;
}

/** `node dist/cli.js ARGS` in the repository root. */
export function tsgi(args: string[]): Served {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => { err += chunk.toString(); });
  const exited = new Promise<number | string>((done) => child.once("exit", (code, signal) => done(code ?? signal ?? -1)));
  return {
    child, exited,
    stderr: () => err,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(err)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in stderr (exit ${child.exitCode}): ${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on its own connection (so the pool's round robin spreads them over the workers). */
export function send(port: number, path: string, method = "GET", localAddress?: string): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method, agent: false, ...(localAddress === undefined ? {} : { localAddress }) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => { body += chunk; });
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", fail);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", fail);
    req.end();
  });
}

/** The families of a metrics page by name, parsed by parse-prometheus-text-format. */
export type Page = Record<string, ReturnType<typeof parsePrometheusTextFormat>[number]>;

export async function scrape(port: number, path = "/metrics", localAddress?: string): Promise<Page> {
  const reply = await send(port, path, "GET", localAddress);
  if (reply.status !== 200) throw new Error(`scrape of ${path}: ${reply.status} ${reply.body}`);
  return Object.fromEntries(parsePrometheusTextFormat(reply.body).map((family) => [family.name, family]));
}

/** Scrapes until `done(page)` (other pool workers' counts arrive with their heartbeat, once a second), at most 10 s. */
export async function scrapeUntil(port: number, done: (page: Page) => boolean, localAddress?: string): Promise<Page> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const page = await scrape(port, "/metrics", localAddress);
    if (done(page) || Date.now() > deadline) return page;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `tsgi_requests_total` as { "GET 2xx": n, ... }. */
export function requests(page: Page): Record<string, number> {
  return Object.fromEntries((page.tsgi_requests_total?.metrics ?? []).map((s) => [`${s.labels?.method} ${s.labels?.status}`, Number(s.value)]));
}

/** `tsgi_worker_restarts_total` as { reason: n }. */
export function restarts(page: Page): Record<string, number> {
  return Object.fromEntries((page.tsgi_worker_restarts_total?.metrics ?? []).map((s) => [s.labels?.reason ?? "", Number(s.value)]));
}

/** A gauge's one value (NaN when absent). */
export function gauge(page: Page, name: string): number {
  return Number(page[name]?.metrics[0]?.value);
}

export function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
