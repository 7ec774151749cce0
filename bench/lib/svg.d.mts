// Types for svg.mjs, for the tests that import it.

export function formatNumber(value: number): string;
export function barChart(group: { title: string; unit: string; higherIsBetter: boolean; baseline: string; rows: Array<{ id: string; label: string; tsgi?: boolean; status: string; [key: string]: unknown }> }, options?: { metric?: "value" | "p99" | "cpuUs" }): string;
