// Types for stats.mjs, for the tests that import it.

export interface Summary { median: number; q1: number; q3: number; min: number; max: number; n: number }
type Metric = "value" | "p50" | "p99" | "cpuUs" | "loadKb";
type AnyRow = { id: string; label: string; status: string; baseline?: string; [key: string]: unknown };
type AnyGroup = { baseline: string; rows: AnyRow[]; noise?: unknown; [key: string]: unknown };

export const RATIO_SPREAD_LIMIT: number;
export const VALUE_SPREAD_LIMIT: number;
export const OTHERS_CORES_LIMIT: number;
export function summarize(values: unknown[]): Summary | undefined;
export function relativeSpread(summary: Summary | undefined): number;
export function roundsOf(row: AnyRow): Array<Record<string, unknown> | null>;
export function metricStats(row: AnyRow, metric?: Metric): Summary | undefined;
export function pairedRatio(row: AnyRow, base: AnyRow, metric?: Metric): Summary | undefined;
export function baselineOf(group: AnyGroup, row: AnyRow): AnyRow | undefined;
export function assess(group: AnyGroup): { busy: boolean; reasons: string[]; worstRatioSpread: number; othersCores: number | undefined };
