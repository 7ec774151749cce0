// Types for svg.mjs, for the tests that import it.
import type { ResultGroup } from "../report.mjs";

export function formatNumber(value: number): string;
export function barChart(group: ResultGroup): string;
