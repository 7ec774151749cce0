// Types for cpu.mjs, for the tests that import it.

export const pinning: boolean;
export function placed(cores: "server" | "load" | "all", command: string, args: string[]): [string, string[]];
export function pinSelf(): void;
export function machine(): { cpu: string; cores: number; pinning: string };
