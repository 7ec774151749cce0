/**
 * The pool's master as a state machine: events in (signals, worker messages, exits, ticks), effects
 * out through an injected {@link Spawner} and {@link Clock}. It never touches `process`, timers or
 * sockets itself, so its tests run it with a manual clock and fake workers.
 * @module
 */
import type { LogSink } from "../../contract.js";
import { mergeSnapshots, type MetricsSnapshot } from "../../metrics/registry.js";
import { PoolOptionError } from "../errors.js";
import type { Clock } from "./clock.js";
import type { MasterMessage, WorkerMessage } from "./protocol.js";
import type { PoolStatus, WorkerState, WorkerStatus } from "./status.js";

/** The signals the master acts on. */
export type PoolSignal = "SIGHUP" | "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGTTIN" | "SIGTTOU";

/** Everything the master reacts to. */
export type PoolEvent =
  | { type: "signal"; signal: PoolSignal }
  | { type: "message"; id: number; message: WorkerMessage }
  | { type: "exit"; id: number; code: number | null; signal: string | null }
  | { type: "tick" };

/** A started worker process as the master sees it. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  send(message: MasterMessage): void;
  kill(signal: NodeJS.Signals): void;
}

/** What to start. `maxRequests` already includes this worker's jitter. */
export interface SpawnSpec {
  id: number;
  generation: number;
  maxRequests: number | undefined;
}

/** Starts worker processes; the master learns of their messages and exits through events. */
export interface Spawner {
  spawn(spec: SpawnSpec): WorkerHandle;
}

/** Tuning of the master (all times in ms). */
export interface MasterSettings {
  workers: number;
  /** How long a draining worker may finish in-flight requests before it is killed. */
  graceMs: number;
  /** A worker that sent no heartbeat for this long is killed and replaced. */
  heartbeatTimeoutMs: number;
  /** A worker not ready after this long counts as a boot failure. */
  bootTimeoutMs: number;
  /** This many boot failures in a row with no worker serving stop the master. */
  maxBootFailures: number;
  /** Back-off before replacing a crashed worker: base × 2^(crashes in the last minute − 1), capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Recycle a worker after about this many requests (undefined: never). */
  maxRequests: number | undefined;
  /** Up to this many more requests, drawn per worker, so workers do not all recycle at once. */
  maxRequestsJitter: number;
  /** Per-request timeout (default 30 s, undefined: none); with `recoverMs`, how long a request may stay unsettled before its worker is replaced. */
  timeoutMs: number | undefined;
  recoverMs: number;
  /** SIGQUIT: how long workers get to exit before SIGKILL. */
  quitMs: number;
  /** After the grace period, how long a worker gets (shutdown hook) before SIGKILL. */
  killMarginMs: number;
}

/** Defaults for a production pool (gunicorn-like timeouts). */
export const DEFAULT_SETTINGS: MasterSettings = {
  workers: 2,
  graceMs: 30_000,
  heartbeatTimeoutMs: 30_000,
  bootTimeoutMs: 60_000,
  maxBootFailures: 3,
  backoffBaseMs: 100,
  backoffMaxMs: 10_000,
  maxRequests: undefined,
  maxRequestsJitter: 0,
  timeoutMs: 30_000,
  recoverMs: 5_000,
  quitMs: 2_000,
  killMarginMs: 5_000,
};

/** Why the master stopped: exit code 0 after a requested stop, 3 after a boot-failure storm. */
export interface StopResult {
  code: number;
  reason: string;
}

/** The master's collaborators. */
export interface MasterDeps {
  spawner: Spawner;
  clock: Clock;
  log: LogSink;
  /** Uniform in [0, 1); for the max-requests jitter. */
  random?: () => number;
  /** Called once, when the last worker is gone after a stop. */
  onStopped?: (result: StopResult) => void;
  /** Fixed facts for the status. */
  describe?: { pid: number; app: string; server: string; url: string };
}

interface Worker {
  id: number;
  handle: WorkerHandle;
  generation: number;
  state: WorkerState;
  spawnedAt: number;
  lastBeatAt: number;
  served: number;
  inFlight: number;
  /** Set when the worker should be replaced; it keeps serving until its replacement is ready. */
  retire: string | undefined;
  /** When a draining or killed worker gets SIGKILL. */
  killAt: number | undefined;
  /** A boot failure message it sent before exiting. */
  bootError: string | undefined;
  /** True when the master asked it to go (drain, retire, kill): its exit is not a crash. */
  dismissed: boolean;
  /** True when it was killed for missing heartbeats or a stuck request (already counted as a restart). */
  condemned: boolean;
  /** Resident memory in bytes, as of the last heartbeat. */
  rss: number | undefined;
  /** Its request counts as of its last heartbeat or scrape (`--metrics-path` only). */
  metrics: MetricsSnapshot | undefined;
}

/** The master's phase. */
export type Phase = "running" | "draining" | "quitting" | "stopped";

/**
 * The pool's master. Feed it events with {@link PoolMaster.dispatch}; it starts, replaces, reloads and
 * stops workers through the spawner.
 *
 * @example
 * ```ts
 * const master = new PoolMaster({ ...DEFAULT_SETTINGS, workers: 4 }, { spawner, clock: systemClock, log });
 * master.start();
 * process.on("SIGHUP", () => queue.post({ type: "signal", signal: "SIGHUP" }));
 * ```
 */
export class PoolMaster {
  readonly settings: MasterSettings;
  readonly #deps: MasterDeps;
  readonly #workers = new Map<number, Worker>();
  readonly #startedAt: number;
  #target: number;
  #generation = 1;
  #phase: Phase = "running";
  #nextId = 1;
  #bootFailures = 0;
  #crashTimes: number[] = [];
  #nextSpawnAt = 0;
  #reloadBlocked: number | undefined;
  /** A SIGHUP arrived during a reload: one more reload starts when this one ends. */
  #reloadPending = false;
  #stopDeadline = 0;
  #stopKilled = false;
  #restarts = 0;
  #recycled = 0;
  #servedByGone = 0;
  #lastError: string | undefined;
  #stopResult: StopResult | undefined;
  /** Workers replaced while running, by reason: what `tsgi_worker_restarts_total` prints. */
  readonly #replaced = new Map<string, number>();
  /** The gone workers' last request counts, so the pool's counters never go down when a worker goes. */
  #goneMetrics: MetricsSnapshot | undefined;

  constructor(settings: MasterSettings, deps: MasterDeps) {
    if (!Number.isInteger(settings.workers) || settings.workers < 1) throw new PoolOptionError(`workers must be a whole number ≥ 1, got ${settings.workers}`);
    this.settings = settings;
    this.#deps = deps;
    this.#target = settings.workers;
    this.#startedAt = deps.clock.now();
  }

  /** The phase: running until a stop signal, `stopped` when every worker is gone. */
  get phase(): Phase {
    return this.#phase;
  }

  /** Spawns the first workers. */
  start(): void {
    this.#reconcile();
  }

  /** Handles one event, then brings the workers toward what is wanted. */
  dispatch(event: PoolEvent): void {
    if (this.#phase === "stopped") return;
    switch (event.type) {
      case "signal": this.#onSignal(event.signal); break;
      case "message": this.#onMessage(event.id, event.message); break;
      case "exit": this.#onExit(event.id, event.code, event.signal); break;
      case "tick": this.#onTick(); break;
    }
    this.#reconcile();
  }

  /** A snapshot for `tsgi status`. */
  status(): PoolStatus {
    const now = this.#deps.clock.now();
    const processes: WorkerStatus[] = [...this.#workers.values()].map((w) => ({
      id: w.id,
      pid: w.handle.pid,
      state: w.state,
      generation: w.generation,
      served: w.served,
      inFlight: w.inFlight,
      uptimeMs: Math.round(now - w.spawnedAt),
      lastBeatMs: Math.round(now - w.lastBeatAt),
      ...(w.rss === undefined ? {} : { rssBytes: w.rss }),
      ...(w.retire === undefined ? {} : { retiring: w.retire }),
    }));
    const describe = this.#deps.describe ?? { pid: 0, app: "", server: "", url: "" };
    return {
      pid: describe.pid,
      phase: this.#phase,
      app: describe.app,
      server: describe.server,
      url: describe.url,
      workers: this.#target,
      generation: this.#generation,
      uptimeMs: Math.round(now - this.#startedAt),
      served: this.#servedByGone + processes.reduce((sum, w) => sum + w.served, 0),
      inFlight: processes.reduce((sum, w) => sum + w.inFlight, 0),
      restarts: this.#restarts,
      recycled: this.#recycled,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
      processes,
    };
  }

  /**
   * The pool's metrics: the merge of every live worker's latest counts and the gone workers' last ones,
   * with the master's own facts (workers replaced by reason, workers serving).
   */
  metrics(): MetricsSnapshot {
    const parts: MetricsSnapshot[] = [];
    for (const w of this.#workers.values()) if (w.metrics !== undefined) parts.push(w.metrics);
    if (this.#goneMetrics !== undefined) parts.push(this.#goneMetrics);
    const merged = mergeSnapshots(parts);
    const serving = [...this.#workers.values()].filter((w) => w.state === "ready").length;
    return { ...merged, workerRestarts: Object.fromEntries(this.#replaced), workers: serving };
  }

  #replacedFor(reason: string): void {
    this.#replaced.set(reason, (this.#replaced.get(reason) ?? 0) + 1);
  }

  #log(message: string): void {
    this.#deps.log.write(`tsgi pool: ${message}`);
  }

  #problem(message: string): void {
    this.#lastError = message;
    this.#log(message);
  }

  #name(w: Worker): string {
    return `worker ${w.id} (pid ${w.handle.pid ?? "?"})`;
  }

  #onSignal(signal: PoolSignal): void {
    const stopping = this.#phase !== "running";
    switch (signal) {
      case "SIGHUP":
        if (stopping) return;
        if (this.#reloading()) {
          if (!this.#reloadPending) this.#log(`SIGHUP during the reload to generation ${this.#generation}: one more reload follows when it ends (further SIGHUPs until then join that one)`);
          this.#reloadPending = true;
          return;
        }
        this.#startReload("SIGHUP");
        return;
      case "SIGTTIN":
        if (stopping) return;
        this.#target++;
        this.#log(`SIGTTIN: ${this.#target} workers wanted`);
        return;
      case "SIGTTOU":
        if (stopping) return;
        if (this.#target === 1) {
          this.#log("SIGTTOU ignored: a pool keeps at least one worker (stop it with SIGTERM)");
          return;
        }
        this.#target--;
        this.#log(`SIGTTOU: ${this.#target} workers wanted`);
        return;
      case "SIGTERM":
      case "SIGINT":
        if (this.#phase === "running") {
          this.#beginStop("draining", this.settings.graceMs + this.settings.killMarginMs);
          this.#log(`${signal}: stopping; in-flight requests get ${this.settings.graceMs} ms (send SIGQUIT or ${signal} again to stop at once)`);
        } else if (this.#phase === "draining") {
          this.#beginStop("quitting", this.settings.quitMs);
          this.#log(`${signal} again: stopping at once`);
        }
        return;
      case "SIGQUIT":
        if (this.#phase === "quitting") return;
        this.#beginStop("quitting", this.settings.quitMs);
        this.#log("SIGQUIT: stopping at once");
        return;
    }
  }

  #startReload(why: string): void {
    this.#generation++;
    this.#reloadBlocked = undefined;
    this.#reloadPending = false;
    this.#log(`${why}: reloading, generation ${this.#generation} replaces the running workers one by one once each is ready`);
  }

  /** True while a worker boots or an older generation still serves (and the reload is not blocked by a boot failure). */
  #reloading(): boolean {
    for (const w of this.#workers.values()) {
      if (w.state === "booting") return true;
      if (w.state === "ready" && w.generation < this.#generation && this.#reloadBlocked !== this.#generation) return true;
    }
    return false;
  }

  #beginStop(phase: "draining" | "quitting", withinMs: number): void {
    this.#phase = phase;
    this.#stopDeadline = this.#deps.clock.now() + withinMs;
    this.#stopKilled = false;
    for (const w of this.#workers.values()) {
      w.dismissed = true;
      if (phase === "quitting") {
        w.state = "killed";
        w.handle.kill("SIGQUIT");
      } else if (w.state !== "draining" && w.state !== "killed") {
        this.#drain(w, "stopping");
      }
    }
  }

  #drain(w: Worker, reason: string): void {
    // A worker still booting may not listen for messages yet: a signal cannot be lost (its handler, or the default, ends it).
    if (w.state === "booting") w.handle.kill("SIGTERM");
    w.state = "draining";
    w.dismissed = true;
    w.retire ??= reason;
    w.killAt = this.#deps.clock.now() + this.settings.graceMs + this.settings.killMarginMs;
    w.handle.send({ tsgi: "stop", graceMs: this.settings.graceMs });
  }

  #kill(w: Worker, why: string): void {
    this.#problem(`${this.#name(w)} ${why}; killing it`);
    w.state = "killed";
    w.condemned = true;
    w.killAt = undefined;
    w.handle.kill("SIGKILL");
  }

  #onMessage(id: number, message: WorkerMessage): void {
    const w = this.#workers.get(id);
    if (w === undefined) return;
    const now = this.#deps.clock.now();
    switch (message.tsgi) {
      case "ready":
        // A worker told to stop while it booted may have missed the message: tell it again.
        if (w.state === "draining") w.handle.send({ tsgi: "stop", graceMs: this.settings.graceMs });
        if (w.state !== "booting") return;
        w.state = "ready";
        w.lastBeatAt = now;
        this.#bootFailures = 0;
        if (this.#phase !== "running") this.#drain(w, "stopping");
        return;
      case "boot-failed":
        w.bootError = message.error;
        return;
      case "beat":
        w.lastBeatAt = now;
        w.served = message.served;
        w.inFlight = message.inFlight;
        if (message.rss !== undefined) w.rss = message.rss;
        if (message.metrics !== undefined) w.metrics = message.metrics;
        if (this.settings.timeoutMs !== undefined && w.state === "ready" && w.retire === undefined
          && message.oldestMs > this.settings.timeoutMs + this.settings.recoverMs) {
          this.#restarts++;
          w.retire = "stuck";
          this.#problem(`${this.#name(w)} has a request unsettled for ${Math.round(message.oldestMs)} ms (timeout ${this.settings.timeoutMs} ms); replacing it`);
        }
        return;
      case "recycle":
        if (w.retire !== undefined || w.state !== "ready") return;
        if (message.reason === "stuck") this.#restarts++;
        w.retire = message.reason;
        this.#log(`${this.#name(w)} asks to be replaced (${message.reason}${message.detail === undefined ? "" : `: ${message.detail}`})`);
        return;
      case "status?":
        w.handle.send({ tsgi: "status", requestId: message.requestId, status: this.status() });
        return;
      case "counts":
        w.metrics = message.snapshot;
        w.handle.send({ tsgi: "counts-ack" });
        return;
      case "metrics?":
        w.metrics = message.snapshot;
        w.handle.send({ tsgi: "metrics", requestId: message.requestId, snapshot: this.metrics() });
        return;
      case "closing":
        w.handle.send({ tsgi: "closing-ack" });
        return;
    }
  }

  #onExit(id: number, code: number | null, signal: string | null): void {
    const w = this.#workers.get(id);
    if (w === undefined) return;
    this.#workers.delete(id);
    this.#servedByGone += w.served;
    if (w.metrics !== undefined) {
      const last = { ...w.metrics, inFlight: 0 };
      this.#goneMetrics = this.#goneMetrics === undefined ? last : mergeSnapshots([this.#goneMetrics, last]);
    }
    if (this.#phase !== "running") return;
    const how = signal === null ? `exit code ${code ?? "?"}` : signal;
    const now = this.#deps.clock.now();
    if (w.state === "booting" || (w.state === "killed" && w.bootError !== undefined)) {
      this.#replacedFor("boot-failure");
      this.#onBootFailure(w, how);
      return;
    }
    if (w.dismissed && !w.condemned) {
      if (w.retire !== undefined && w.retire !== "scale-down") this.#replacedFor(w.retire);
      if (w.retire !== undefined && w.retire !== "scale-down" && w.retire !== "stuck") this.#recycled++;
      return;
    }
    this.#replacedFor(w.condemned ? "heartbeat" : "exit");
    if (!w.condemned) {
      this.#restarts++;
      this.#problem(`${this.#name(w)} died (${how}); replacing it`);
    }
    this.#crashTimes = this.#crashTimes.filter((t) => now - t < 60_000);
    this.#crashTimes.push(now);
    const delay = Math.min(this.settings.backoffBaseMs * 2 ** (this.#crashTimes.length - 1), this.settings.backoffMaxMs);
    this.#nextSpawnAt = Math.max(this.#nextSpawnAt, now + delay);
  }

  #onBootFailure(w: Worker, how: string): void {
    const now = this.#deps.clock.now();
    const full = w.bootError ?? `exited during boot (${how})`;
    const error = full.split("\n")[0] ?? full;
    if (full !== error) this.#log(`${this.#name(w)} failed to boot:\n${full}`);
    const serving = [...this.#workers.values()].filter((o) => o.state === "ready");
    this.#bootFailures++;
    const delay = Math.min(this.settings.backoffBaseMs * 2 ** (this.#bootFailures - 1), this.settings.backoffMaxMs);
    this.#nextSpawnAt = Math.max(this.#nextSpawnAt, now + delay);
    if (w.generation > 1 && w.generation === this.#generation && serving.length > 0 && serving.every((o) => o.generation < w.generation)) {
      this.#reloadBlocked = w.generation;
      this.#problem(`reload failed, the new code did not boot: ${error} — ${serving.length} workers of the previous code keep serving; fix it and send SIGHUP again`);
      return;
    }
    if (serving.length === 0 && this.#bootFailures >= this.settings.maxBootFailures) {
      const reason = `workers failed to boot ${this.#bootFailures} times in a row, stopping: ${error}`;
      this.#problem(reason);
      this.#stopResult = { code: 3, reason };
      this.#beginStop("quitting", this.settings.quitMs);
      return;
    }
    this.#problem(`${this.#name(w)} failed to boot: ${error}; retrying in ${delay} ms`);
  }

  #onTick(): void {
    const now = this.#deps.clock.now();
    for (const w of this.#workers.values()) {
      if (w.state === "killed") continue;
      if (w.killAt !== undefined && now >= w.killAt) {
        this.#problem(`${this.#name(w)} did not exit within ${this.settings.graceMs} ms of being stopped; killing it`);
        w.state = "killed";
        w.handle.kill("SIGKILL");
      } else if (w.state === "booting" && now - w.spawnedAt > this.settings.bootTimeoutMs) {
        w.bootError = `not ready within ${this.settings.bootTimeoutMs} ms`;
        this.#kill(w, `was not ready within ${this.settings.bootTimeoutMs} ms`);
      } else if (w.state !== "booting" && now - w.lastBeatAt > this.settings.heartbeatTimeoutMs) {
        if (this.#phase === "running" && w.state === "ready") this.#restarts++;
        this.#kill(w, `sent no heartbeat for ${Math.round(now - w.lastBeatAt)} ms (blocked event loop?)`);
      }
    }
    if (this.#phase !== "running" && !this.#stopKilled && now >= this.#stopDeadline) {
      this.#stopKilled = true;
      for (const w of this.#workers.values()) {
        if (w.state === "killed" && this.#phase === "draining") continue;
        this.#log(`${this.#name(w)} still running at the stop deadline; killing it`);
        w.state = "killed";
        w.handle.kill("SIGKILL");
      }
    }
  }

  #spawn(): void {
    const id = this.#nextId++;
    const now = this.#deps.clock.now();
    const { maxRequests, maxRequestsJitter } = this.settings;
    const jitter = Math.floor((this.#deps.random ?? Math.random)() * (maxRequestsJitter + 1));
    const handle = this.#deps.spawner.spawn({ id, generation: this.#generation, maxRequests: maxRequests === undefined ? undefined : maxRequests + jitter });
    this.#workers.set(id, {
      id, handle, generation: this.#generation, state: "booting", spawnedAt: now, lastBeatAt: now, served: 0, inFlight: 0,
      retire: undefined, killAt: undefined, bootError: undefined, dismissed: false, condemned: false, rss: undefined, metrics: undefined,
    });
  }

  #wantsReplacement(w: Worker): boolean {
    return w.retire !== undefined || (w.generation < this.#generation && this.#reloadBlocked !== this.#generation);
  }

  /** Starts, replaces and retires workers until the pool matches what is wanted. */
  #reconcile(): void {
    if (this.#phase !== "running") {
      if (this.#workers.size === 0) this.#finish();
      return;
    }
    if (this.#reloadPending && !this.#reloading()) this.#startReload("the SIGHUP that came during the last reload");
    const now = this.#deps.clock.now();
    const serving = (): Worker[] => [...this.#workers.values()].filter((w) => w.state === "ready");
    const ready = serving();
    if (ready.length > this.#target) {
      const order = ready.sort((a, b) => Number(this.#wantsReplacement(b)) - Number(this.#wantsReplacement(a)) || a.generation - b.generation || a.id - b.id);
      for (const w of order.slice(0, ready.length - this.#target)) {
        this.#drain(w, this.#wantsReplacement(w) ? (w.retire ?? "reload") : "scale-down");
      }
    }
    if (now < this.#nextSpawnAt) return;
    const booting = [...this.#workers.values()].filter((w) => w.state === "booting").length;
    const current = serving();
    const missing = this.#target - current.length - booting;
    for (let i = 0; i < missing; i++) this.#spawn();
    if (missing <= 0 && booting === 0 && current.some((w) => this.#wantsReplacement(w))) this.#spawn();
  }

  #finish(): void {
    this.#phase = "stopped";
    const result = this.#stopResult ?? { code: 0, reason: "stopped" };
    this.#log(result.code === 0 ? "all workers gone; master exits" : `master exits with code ${result.code}`);
    this.#deps.onStopped?.(result);
  }

  /** When the next tick matters (a back-off ending), for a runtime that wants to tick early. */
  get nextSpawnAt(): number {
    return this.#nextSpawnAt;
  }
}
