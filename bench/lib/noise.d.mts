// Types for noise.mjs, for the tests that import it.

export interface Snapshot { atMs: number; machine: number | undefined; bench: number | undefined }
export function machineBusyTicks(text?: string): number | undefined;
export function benchTicks(): number | undefined;
export function snapshot(): Snapshot;
export function othersCores(before: Snapshot, after: Snapshot): number | undefined;
export function load1(): number | undefined;
export function idleReading(ms?: number): Promise<{ load1: number | undefined; othersCores: number | undefined }>;
