/**
 * The messages a pool's master and its workers exchange over the IPC channel. Every message carries
 * a `tsgi` tag so it never mixes with other IPC traffic.
 * @module
 */
import type { MetricsSnapshot } from "../../metrics/registry.js";
import type { PoolStatus } from "./status.js";

/** Why a worker asks to be replaced. */
export type RecycleReason = "max-requests" | "memory" | "stuck";

/** Worker → master. */
export type WorkerMessage =
  /** Loaded, startup hook done, listening: send it traffic. */
  | { tsgi: "ready" }
  /** Loading or the startup hook failed; the worker exits next. */
  | { tsgi: "boot-failed"; error: string }
  /** Sent every heartbeat interval by the worker's main thread: a blocked event loop stops them. */
  | { tsgi: "beat"; served: number; inFlight: number; oldestMs: number; rss?: number; metrics?: MetricsSnapshot }
  /** The worker wants a replacement (served its `max-requests`, passed its memory ceiling, or a request never settled). */
  | { tsgi: "recycle"; reason: RecycleReason; detail?: string }
  /** The status path was requested: the master answers with {@link MasterMessage} `status`. */
  | { tsgi: "status?"; requestId: number }
  /** The metrics path was requested (`--metrics-path`): the worker's counts now; the master answers `metrics`. */
  | { tsgi: "metrics?"; requestId: number; snapshot: MetricsSnapshot }
  /**
   * The worker's final counts, sent once its server has drained; it exits after the master's `counts-ack`
   * (or a second), so the master has them before it sees the exit and a graceful exit loses no request.
   */
  | { tsgi: "counts"; snapshot: MetricsSnapshot }
  /**
   * Sent right after the worker closed its listener: the master answers `closing-ack`. Messages on
   * the channel keep their order, so once the ack arrives, every connection node:cluster handed over
   * before the master saw the close has arrived too (and was bounced to another worker): exiting
   * earlier could strand one of them.
   */
  | { tsgi: "closing" };

/** Master → worker. */
export type MasterMessage =
  /** Stop accepting, finish in-flight requests for up to `graceMs`, run the shutdown hook, exit. */
  | { tsgi: "stop"; graceMs: number }
  | { tsgi: "status"; requestId: number; status: PoolStatus }
  /** The pool-wide counts: every live worker's latest, the gone workers' last, and the master's own. */
  | { tsgi: "metrics"; requestId: number; snapshot: MetricsSnapshot }
  | { tsgi: "closing-ack" }
  | { tsgi: "counts-ack" };

const WORKER_TAGS = new Set(["ready", "boot-failed", "beat", "recycle", "status?", "metrics?", "counts", "closing"]);
const MASTER_TAGS = new Set(["stop", "status", "metrics", "closing-ack", "counts-ack"]);

function tagOf(value: unknown): unknown {
  return typeof value === "object" && value !== null ? (value as { tsgi?: unknown }).tsgi : undefined;
}

/** True for a message a worker sends (anything else on the channel is ignored). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return WORKER_TAGS.has(tagOf(value) as string);
}

/** True for a message the master sends. */
export function isMasterMessage(value: unknown): value is MasterMessage {
  return MASTER_TAGS.has(tagOf(value) as string);
}
