// Types for group.mjs, for the tests that import it.

export interface Sample {
  value: number;
  errors?: number;
  non2xx?: number;
  requests?: number;
  cpuUs?: number | undefined;
  rss?: { idleKb?: number | undefined; loadKb?: number | undefined };
  [key: string]: unknown;
}

export function groupSteps(group: { rows: unknown[] }, rounds: number): number;
export function combine(samples: Sample[], idleKb: number | undefined, higherIsBetter?: boolean): Sample & { status: "ok"; median: number; samples: number[] };
