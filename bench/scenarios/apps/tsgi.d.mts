// Types for tsgi.mjs, for the tests that import it.

export const SERVERS: Record<string, { entry: string; name: string }>;
export function tsgiExport(entry: string, name: string): Promise<((...args: never[]) => unknown) | string>;
export function starter(protocol: string): Promise<((...args: never[]) => unknown) | string>;
