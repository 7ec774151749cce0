// Types for report.mjs, for the tests that import it.

export interface ResultRow {
  id: string;
  label: string;
  tsgi: boolean;
  status: "ok" | "n/a" | "failed";
  value?: number;
  reason?: string;
  baseline?: string;
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
  rows: ResultRow[];
}

export interface Results {
  meta: Record<string, unknown>;
  groups: ResultGroup[];
}

export function ratio(group: ResultGroup, row: ResultRow): number | undefined;
export function markdown(report: Results): string;
export function renderReport(report: Results, root: string): string[];
