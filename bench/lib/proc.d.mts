// Types for proc.mjs, for the tests that import it.

export function findBinary(name: string): string | undefined;
export function freePort(): Promise<number>;
export function clockTicks(): number;
export function processTree(pid: number): number[];
export function rssKb(pids: number[]): number | undefined;
export function treeCpuSeconds(rootPids: number[]): number | undefined;
export function pidsCpuSeconds(pids: number[]): number | undefined;
export function treeRssKb(rootPids: number[]): number | undefined;
