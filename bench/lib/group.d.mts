// Types for group.mjs, for the tests that import it.

export interface Sample {
  value: number;
  errors?: number;
  timeouts?: number;
  non2xx?: number;
  requests?: number;
  cpuUs?: number | undefined;
  othersCores?: number | undefined;
  loadKb?: number | undefined;
  latency?: { p50?: number; p99?: number; max?: number; [key: string]: number | undefined };
  rss?: { idleKb?: number | undefined; loadKb?: number | undefined };
  [key: string]: unknown;
}

export interface Bar { start(label: string): void; done(result: string): void; skip(): void }

export interface Row {
  id: string;
  label: string;
  tsgi?: boolean;
  baseline?: string;
  available(): unknown;
  setup(): Promise<{ idleKb?: number; warmup?(): Promise<void>; sample(): Promise<Sample>; stop?(): Promise<void> }>;
}

export function groupSteps(group: { rows: unknown[]; rounds?: number; unit?: string }, rounds: number, restartEvery?: number): number;
export function restartsIn(group: { unit?: string }, rounds: number, restartEvery: number): number;
export function roundOrder<T>(items: T[], round: number): T[];
export function combine(samples: (Sample | null)[], idleKb: number | undefined): Sample & { status: "ok"; median: number; samples: (number | null)[]; rounds: (Sample | null)[] };
export function runGroup(group: { title: string; unit: string; rows: Row[]; rounds?: number; runOrder?: string[] }, options: { rounds: number; bar: Bar; watch?: boolean; restartEvery?: number }): Promise<{ rows: Array<Record<string, unknown> & { id: string; status: string }>; noise: { before: { load1?: number; othersCores?: number }; during: { load1?: { median: number; max: number }; othersCores?: { median: number; max: number } } } }>;
