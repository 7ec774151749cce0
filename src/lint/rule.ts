/** The shape of one lint rule. Each rule's `spec` text is also the normative sentence in docs/spec.md. @module */

/** Which side of the contract a rule checks. */
export type RuleSection = "env" | "gateway" | "input" | "errors" | "reply" | "body";

/** One rule: the spec sentence it enforces and the check that enforces it. */
export interface Rule<Subject> {
  /** Stable id, shown in lint errors: `[env.content-length]`. */
  id: string;
  section: RuleSection;
  /** The normative sentence (MUST/SHOULD) as it appears in docs/spec.md. */
  spec: string;
  /** Returns a message naming the fix when the subject breaks the rule, otherwise undefined. */
  check(subject: Subject): string | undefined;
}

/** Describes a value for an error message: `"12.5"`, `number 3`, `undefined`. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return Array.isArray(value) ? "an array" : `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `${typeof value} ${String(value)}`;
}
