// Types for scripts/gen-api-docs.mjs, for the tests that import it.

/** An entry point of the package and the page it gets. */
export interface EntryPoint {
  name: string;
  slug: string;
  file: string;
}

export function entryPoints(root?: string): EntryPoint[];
export function renderApiDocs(root?: string): Map<string, string>;
export function staleApiDocs(root?: string): string[];
