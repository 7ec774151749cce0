// Types for measure.mjs, for the tests that import it.
import type { WrkReport } from "./wrk.mjs";

export interface Round {
  value: number;
  requests: number;
  latency: WrkReport["latency"];
  errors: number;
  timeouts: number;
  non2xx: number;
  cpuUs: number | undefined;
  serverCores: number | undefined;
  othersCores: number | undefined;
  loadKb: number | undefined;
}

export function get(url: string): Promise<{ status: number; body: string }>;
export function startNodeServer(options: { impl: string; app: string; protocol?: string; workers?: number; cores?: "server" | "load" | "all" }): Promise<{ pid: number; port: number; stop(): Promise<void> }>;
export function roundOf(report: WrkReport, readings: { cpuSeconds: number | undefined; wallSeconds: number; othersCores: number | undefined; loadKb: number | undefined }): Round;
export function throughputRow(options: {
  id: string; label: string; tsgi?: boolean; baseline?: string; connections?: number; timeoutSec?: number;
  available(): unknown;
  start(): Promise<{ url: string; memoryPids: number[]; stop(): Promise<void> }>;
  expect?: string;
  settings: { seconds: number; warmup: number; connections: number };
}): { id: string; label: string; setup(): Promise<{ idleKb?: number; warmup?(): Promise<void>; sample(): Promise<Round>; stop?(): Promise<void> }> };
