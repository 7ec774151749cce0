// Types for compare.mjs, for the tests that import it.
import type { Results } from "./report.mjs";

export function headlineRatios(results: Results): Array<{ what: string; kind: "ratio" | "cpu"; value: number }>;
export function compareRuns(a: Results, b: Results, limits?: { ratio?: number; cpu?: number }): Array<{ what: string; kind: "ratio" | "cpu"; a: number; b: number; change: number; limit: number; ok: boolean }>;
