/** The pool's status as JSON for `tsgi status` and the status path, and as a small HTML page. @module */

/** What a worker is doing. */
export type WorkerState = "booting" | "ready" | "draining" | "killed";

/** One worker in {@link PoolStatus}. */
export interface WorkerStatus {
  /** The pool's number for the worker (1, 2, ...), never reused. */
  id: number;
  pid: number | undefined;
  state: WorkerState;
  /** Bumped by every reload (SIGHUP): workers of an older generation run older code. */
  generation: number;
  /** Requests served, as of the worker's last heartbeat. */
  served: number;
  inFlight: number;
  uptimeMs: number;
  /** Milliseconds since the last heartbeat. */
  lastBeatMs: number;
  /** Resident memory (RSS) in bytes, as of the last heartbeat. */
  rssBytes?: number;
  /** Why the worker is being replaced, when it is. */
  retiring?: string;
}

/** The pool as `tsgi status` prints it. */
export interface PoolStatus {
  /** The master's pid. */
  pid: number;
  /** `running`, `draining` (SIGTERM/SIGINT), `quitting` (SIGQUIT) or `stopped`. */
  phase: string;
  app: string;
  server: string;
  url: string;
  /** Workers wanted (changed by SIGTTIN/SIGTTOU). */
  workers: number;
  generation: number;
  uptimeMs: number;
  /** Requests served by every worker so far, including the ones gone. */
  served: number;
  inFlight: number;
  /** Workers replaced after a crash, a missed heartbeat or a stuck request. */
  restarts: number;
  /** Workers replaced on purpose: reloads, `max-requests`, scaling down. */
  recycled: number;
  /** The last problem the master logged, if any. */
  lastError?: string;
  processes: WorkerStatus[];
}

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 3_600_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Status as one HTML page (no scripts, no external assets; refreshes itself every 5 s). */
export function statusHtml(status: PoolStatus): string {
  const rows = status.processes.map((w) => `<tr><td>${w.id}</td><td>${w.pid ?? ""}</td><td class="${w.state}">${w.state}${w.retiring === undefined ? "" : ` (${escapeHtml(w.retiring)})`}</td><td>${w.generation}</td><td>${w.served}</td><td>${w.inFlight}</td><td>${seconds(w.uptimeMs)}</td><td>${seconds(w.lastBeatMs)}</td></tr>`).join("\n");
  const problem = status.lastError === undefined ? "" : `<p class="error">last error: ${escapeHtml(status.lastError)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>tsgi pool ${status.pid}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right}
.ready{color:#070}.booting{color:#a60}.draining,.killed{color:#a00}.error{color:#a00}</style></head>
<body><h1>tsgi pool</h1>
<p>${escapeHtml(status.app)} on ${escapeHtml(status.url)} (${escapeHtml(status.server)}) · master pid ${status.pid} · ${escapeHtml(status.phase)} · up ${seconds(status.uptimeMs)}</p>
<p>${status.workers} workers wanted · generation ${status.generation} · ${status.served} requests served · ${status.inFlight} in flight · ${status.restarts} restarts · ${status.recycled} recycled</p>
${problem}
<table><thead><tr><th>worker</th><th>pid</th><th>state</th><th>generation</th><th>served</th><th>in flight</th><th>up</th><th>last beat</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

/** Status as aligned text for a terminal. */
export function statusText(status: PoolStatus): string {
  const head = `tsgi pool ${status.pid}: ${status.app} on ${status.url} (${status.server}), ${status.phase}, up ${seconds(status.uptimeMs)}
workers ${status.workers} · generation ${status.generation} · served ${status.served} · in flight ${status.inFlight} · restarts ${status.restarts} · recycled ${status.recycled}`;
  const lines = status.processes.map((w) => `  #${String(w.id).padEnd(4)} pid ${String(w.pid ?? "-").padEnd(8)} ${w.state.padEnd(9)} gen ${String(w.generation).padEnd(3)} served ${String(w.served).padEnd(8)} in flight ${String(w.inFlight).padEnd(4)} up ${seconds(w.uptimeMs)}${w.retiring === undefined ? "" : ` (retiring: ${w.retiring})`}`);
  const problem = status.lastError === undefined ? [] : [`last error: ${status.lastError}`];
  return [head, ...lines, ...problem].join("\n") + "\n";
}
