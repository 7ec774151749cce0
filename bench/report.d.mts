// Types for report.mjs, for the tests that import it.
import type { Summary } from "./lib/stats.mjs";

export interface ResultRow {
  id: string;
  label: string;
  tsgi: boolean;
  status: "ok" | "n/a" | "failed";
  value?: number;
  reason?: string;
  baseline?: string;
  rounds?: Array<Record<string, unknown> | null>;
  [key: string]: unknown;
}

export interface ResultGroup {
  id: string;
  family: string;
  title: string;
  note?: string;
  unit: string;
  higherIsBetter: boolean;
  baseline: string;
  baselineLabel?: string;
  charts?: string[];
  overload?: boolean;
  noise?: { before?: { load1?: number; othersCores?: number }; during?: { load1?: { median: number; max: number }; othersCores?: { median: number; max: number } } };
  rows: ResultRow[];
}

export interface Results {
  meta: Record<string, unknown>;
  groups: ResultGroup[];
}

export const HEADLINES: Array<{ group: string; row: string; against: string; what: string; metric?: string; target?: [string, number]; cpu?: boolean; cpuTarget?: [string, number] }>;
export function ratio(group: ResultGroup, row: ResultRow, metric?: "value" | "cpuUs"): number | undefined;
export function ratioRange(group: ResultGroup, row: ResultRow, metric?: "value" | "cpuUs"): Summary | undefined;
export function overloadSummary(group: ResultGroup): string;
export function chartsOf(group: ResultGroup): Array<{ metric: string; file: string }>;
export function markdown(report: Results): string;
export function renderReport(report: Results, root: string): string[];
