/**
 * `tsgi init` in an existing project: what to add to the user's package.json. Pure: the parsed
 * manifest in, the new one and what was added or kept out; the user's values always win.
 *
 * @example
 * ```ts
 * const { manifest, added, kept } = mergeManifest({ name: "site", type: "commonjs", scripts: { test: "jest" } }, wanted);
 * // added: ["scripts.dev", ...], kept: ["scripts.test"]; manifest.type is still "commonjs"
 * ```
 * @module
 */

/** The package.json fields `tsgi init` fills in; each entry of an object field is added only when absent. */
export interface WantedManifest {
  name: string;
  engines: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** What {@link mergeManifest} did, as `field` or `field.key` paths (e.g. `scripts.test`). */
export interface MergedManifest {
  manifest: Record<string, unknown>;
  added: string[];
  kept: string[];
}

/** The test script `npm init -y` writes: a placeholder that only fails, so init replaces it. */
export const NPM_PLACEHOLDER_TEST = 'echo "Error: no test specified" && exit 1';

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}

/** Where and with what range the manifest already depends on `name` (the user's stays), or undefined. */
function existingDependency(manifest: Record<string, unknown>, name: string): { field: string; range: unknown } | undefined {
  for (const field of DEPENDENCY_FIELDS) {
    const deps = record(manifest[field]);
    if (Object.hasOwn(deps, name)) return { field, range: deps[name] };
  }
  return undefined;
}

/**
 * Adds `wanted`'s scripts, dependencies and engines to `existing` where they are missing. Never changes
 * a value the user has (`type`, a script, a dependency in any dependency field), except npm init's
 * placeholder test script; keeps the order of the user's keys and appends new ones.
 */
export function mergeManifest(existing: Record<string, unknown>, wanted: WantedManifest): MergedManifest {
  const manifest: Record<string, unknown> = { ...existing };
  const added: string[] = [];
  const kept: string[] = [];
  if (typeof manifest.name !== "string" || manifest.name === "") {
    manifest.name = wanted.name;
    added.push("name");
  }
  const scripts = record(manifest.scripts);
  for (const [name, command] of Object.entries(wanted.scripts)) {
    if (!Object.hasOwn(scripts, name) || (name === "test" && scripts[name] === NPM_PLACEHOLDER_TEST)) {
      scripts[name] = command;
      added.push(`scripts.${name}`);
    } else if (scripts[name] !== command) {
      kept.push(`scripts.${name}`);
    }
  }
  manifest.scripts = scripts;
  for (const field of ["dependencies", "devDependencies"] as const) {
    const target = record(manifest[field]);
    for (const [name, range] of Object.entries(wanted[field])) {
      const theirs = existingDependency(manifest, name);
      if (theirs !== undefined) {
        if (theirs.range !== range) kept.push(`${theirs.field}.${name}`);
        continue;
      }
      target[name] = range;
      added.push(`${field}.${name}`);
    }
    if (Object.keys(target).length > 0) manifest[field] = target;
  }
  if (manifest.engines === undefined) {
    manifest.engines = wanted.engines;
    added.push("engines");
  }
  return { manifest, added, kept };
}
