/**
 * Route patterns: path-to-regexp 9 syntax parsed once into per-segment pieces the router indexes.
 * @module
 */
import { parse, pathToRegexp, PathError, type Token } from "path-to-regexp";

/** A flat token after optional groups are expanded. */
export type FlatToken = { type: "text"; value: string } | { type: "param"; name: string } | { type: "wildcard"; name: string };

/**
 * How a segment ranks when several routes match: lower wins, segment by segment from the left
 * (static beats compound like `:name.:ext`, which beats a whole-segment param, which beats a wildcard).
 */
export const SegmentKind = { Static: 0, Compound: 1, Param: 2, Wildcard: 3 } as const;
/** One of {@link SegmentKind}'s values. */
export type SegmentKind = (typeof SegmentKind)[keyof typeof SegmentKind];

/** One `/`-separated piece of a pattern variant. */
export type Segment =
  | { kind: typeof SegmentKind.Static; text: string }
  | { kind: typeof SegmentKind.Param; name: string }
  | { kind: typeof SegmentKind.Compound; key: string; regexp: RegExp; names: string[] }
  | { kind: typeof SegmentKind.Wildcard; key: string; regexp: RegExp; names: string[]; wildcards: Set<string> };

/** One alternative of a pattern (optional groups expanded): its segments, the last possibly a wildcard remainder. */
export interface Variant {
  segments: Segment[];
  /** A normalized form: two variants with the same signature match exactly the same paths. */
  signature: string;
  /** The variant's flat path-to-regexp tokens (for a reference matcher). */
  tokens: FlatToken[];
}

const MAX_VARIANTS = 64;
const REGEXP_OPTIONS = { end: true, trailing: false, sensitive: true } as const;

function flatten(tokens: readonly Token[], prefix: FlatToken[], out: FlatToken[][], pattern: string): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.type === "group") {
      const rest = tokens.slice(i + 1);
      flatten([...token.tokens, ...rest], prefix.slice(), out, pattern);
      flatten(rest, prefix, out, pattern);
      return;
    }
    prefix.push(token.type === "text" ? { type: "text", value: token.value } : { type: token.type, name: token.name });
  }
  if (out.length >= MAX_VARIANTS) throw new PathError(`more than ${MAX_VARIANTS} optional combinations`, pattern);
  out.push(prefix);
}

function escapeKey(text: string): string {
  return text.replace(/[\\:*{}]/g, "\\$&");
}

/** Splits flat tokens into segments: each starts after a `/`; text tokens may hold several `/`. */
function splitSegments(tokens: FlatToken[], pattern: string): FlatToken[][] {
  const first = tokens[0];
  if (first === undefined || first.type !== "text" || !first.value.startsWith("/")) {
    throw new PathError("a route path must start with /", pattern);
  }
  const segments: FlatToken[][] = [];
  let current: FlatToken[] | undefined;
  for (const token of tokens) {
    if (token.type !== "text") {
      (current as FlatToken[]).push(token);
      continue;
    }
    const pieces = token.value.split("/");
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0) segments.push((current = []));
      const piece = pieces[i] as string;
      if (piece !== "" && current !== undefined) current.push({ type: "text", value: piece });
    }
  }
  return segments;
}

function tokensSource(tokens: FlatToken[]): { regexp: RegExp; names: string[] } {
  const { regexp, keys } = pathToRegexp({ tokens: [{ type: "text", value: "/" }, ...tokens], originalPath: "" } as unknown as string, REGEXP_OPTIONS);
  return { regexp, names: keys.map((key) => key.name) };
}

function segmentKey(tokens: FlatToken[]): string {
  let key = "";
  for (const token of tokens) key += token.type === "text" ? escapeKey(token.value) : token.type === "param" ? ":" : "*";
  return key;
}

function compileVariant(tokens: FlatToken[], pattern: string): Variant {
  const raw = splitSegments(tokens, pattern);
  const segments: Segment[] = [];
  let signature = "";
  for (let i = 0; i < raw.length; i++) {
    const pieces = raw[i] as FlatToken[];
    if (pieces.some((token) => token.type === "wildcard")) {
      const rest: FlatToken[] = [];
      for (let j = i; j < raw.length; j++) {
        if (j > i) rest.push({ type: "text", value: "/" });
        rest.push(...(raw[j] as FlatToken[]));
      }
      const key = rest.map((token) => (token.type === "text" ? escapeKey(token.value) : token.type === "param" ? ":" : "*")).join("");
      const { regexp, names } = tokensSource(rest);
      const wildcards = new Set(rest.filter((token) => token.type === "wildcard").map((token) => (token as { name: string }).name));
      segments.push({ kind: SegmentKind.Wildcard, key, regexp, names, wildcards });
      signature += "/" + key;
      break;
    }
    const only = pieces[0];
    if (pieces.length === 0) segments.push({ kind: SegmentKind.Static, text: "" });
    else if (pieces.length === 1 && only?.type === "text") segments.push({ kind: SegmentKind.Static, text: only.value });
    else if (pieces.length === 1 && only?.type === "param") segments.push({ kind: SegmentKind.Param, name: only.name });
    else {
      const { regexp, names } = tokensSource(pieces);
      segments.push({ kind: SegmentKind.Compound, key: segmentKey(pieces), regexp, names });
    }
    signature += "/" + segmentKey(pieces);
  }
  return { segments, signature, tokens };
}

/**
 * A fix for a pattern written in path-to-regexp's older syntax, or undefined. path-to-regexp 9's own
 * message ("Unexpected ? at index 7") says what it tripped on, not what to write instead.
 */
export function patternHint(pattern: string): string | undefined {
  const optional = /([^{}]?):([A-Za-z_$][\w$]*)\?/.exec(pattern);
  if (optional !== null) {
    const slash = optional[1] === "/";
    return `optional parameters are written in braces: ${slash ? `{/:${optional[2]}}` : `{:${optional[2]}}`} instead of ${slash ? "/" : ""}:${optional[2]}? (path-to-regexp 9 syntax)`;
  }
  if (/(^|[^\\])\*(?![A-Za-z_$])/.test(pattern)) return "a wildcard needs a name: /*path (the value is a string[]), or {/*path} to match the bare prefix too";
  if (/(^|[^\\]):[A-Za-z_$][\w$]*\(/.test(pattern) || /(^|[^\\])\(/.test(pattern)) {
    return "regexp constraints like :id(\\d+) are gone in path-to-regexp 9: declare a params schema, e.g. { params: z.object({ id: z.coerce.number().int() }) }";
  }
  return undefined;
}

/** Throws a TypeError with {@link patternHint}'s fix when a pattern uses the old syntax. */
export function checkPattern(pattern: string): void {
  const hint = patternHint(pattern);
  if (hint !== undefined) throw new TypeError(`route path ${JSON.stringify(pattern)}: ${hint}`);
}

/** The parameter names a pattern can bind, in order, and which of them are wildcards (string arrays). */
export interface PatternKeys {
  names: string[];
  wildcards: Set<string>;
}

/**
 * Parses a path-to-regexp 9 pattern into its variants (one per combination of optional groups).
 * Throws path-to-regexp's own error, or one naming the rule broken (must start with `/`, too many
 * optional combinations, a parameter name repeated).
 *
 * @example
 * ```ts
 * compilePattern("/books{/:page}").map((v) => v.signature); // ["/books/:", "/books"]
 * ```
 */
export function compilePattern(pattern: string): Variant[] {
  let data: ReturnType<typeof parse>;
  try {
    data = parse(pattern);
  } catch (error) {
    const hint = patternHint(pattern);
    if (hint === undefined) throw error;
    throw new TypeError(`${hint} (path-to-regexp: ${(error as Error).message})`, { cause: error });
  }
  const flat: FlatToken[][] = [];
  flatten(data.tokens, [], flat, pattern);
  const seen = new Set<string>();
  const variants: Variant[] = [];
  for (const tokens of flat) {
    const names = tokens.filter((token) => token.type !== "text").map((token) => (token as { name: string }).name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) throw new PathError(`parameter "${repeated}" appears twice`, pattern);
    const variant = compileVariant(tokens, pattern);
    if (seen.has(variant.signature)) continue;
    seen.add(variant.signature);
    variants.push(variant);
  }
  return variants;
}

/** Every key a pattern can bind (across its optional groups). */
export function patternKeys(pattern: string): PatternKeys {
  const names: string[] = [];
  const wildcards = new Set<string>();
  const walk = (tokens: readonly Token[]): void => {
    for (const token of tokens) {
      if (token.type === "group") walk(token.tokens);
      else if (token.type !== "text") {
        if (!names.includes(token.name)) names.push(token.name);
        if (token.type === "wildcard") wildcards.add(token.name);
      }
    }
  };
  walk(parse(pattern).tokens);
  return { names, wildcards };
}
