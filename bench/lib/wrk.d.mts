// Types for wrk.mjs, for the tests that import it.

export interface WrkReport {
  rps: number;
  requests: number;
  latency: { mean?: number; max?: number; p50?: number; p75?: number; p90?: number; p99?: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

export const haveWrk: boolean;
export function parseWrk(text: string): WrkReport;
export function runWrk(url: string, options: { seconds: number; connections?: number; threads?: number; timeoutSec?: number }): Promise<WrkReport>;
