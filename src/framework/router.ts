/**
 * The router: a per-method trie over path segments. Static segments are map lookups, whole-segment
 * params one child, compound segments (`:name.:ext`) and wildcard remainders use path-to-regexp's own
 * backtracking-safe regexps on just their part of the path. Fully static routes are one map lookup.
 * @module
 */
import { compilePattern, SegmentKind, type Variant } from "./pattern.js";

/** Route parameters: strings, and string arrays for wildcards (`*path`). */
export type Params = Record<string, string | string[]>;

/** A successful lookup: the value registered, its pattern and the bound parameters. */
export interface RouteMatch<T> {
  value: T;
  pattern: string;
  params: Params;
}

/**
 * What every router implementation offers; the conformance suite runs the same cases against each.
 * Matching is case-sensitive, exact about a trailing slash, and does not percent-decode (PATH_INFO
 * already is). When several routes match, the most specific wins segment by segment from the left:
 * static, then compound (`:a-:b`), then a whole-segment param, then a wildcard; ties go to the route
 * registered first.
 */
export interface Router<T> {
  /** Registers a route; throws on a bad pattern or a route that matches exactly what another does. */
  add(method: string, pattern: string, value: T): void;
  /** The route for `method` and `path`, or null. */
  find(method: string, path: string): RouteMatch<T> | null;
  /** The methods that have a route matching `path` (for 405 `Allow`). */
  allowed(path: string): string[];
}

interface Leaf<T> {
  value: T;
  pattern: string;
  /** Names for the positional captures of param and compound segments, in order. */
  names: string[];
}

interface CompoundEdge<T> {
  key: string;
  regexp: RegExp;
  node: Node<T>;
}

interface WildcardEdge<T> {
  key: string;
  regexp: RegExp;
  names: string[];
  wildcards: Set<string>;
  leaf: Leaf<T>;
}

class Node<T> {
  statics: Map<string, Node<T>> | null = null;
  compounds: Array<CompoundEdge<T>> | null = null;
  param: Node<T> | null = null;
  wildcards: Array<WildcardEdge<T>> | null = null;
  leaf: Leaf<T> | null = null;
}

interface MethodTree<T> {
  root: Node<T>;
  statics: Map<string, Leaf<T>>;
}

interface Found<T> {
  leaf: Leaf<T>;
  wildcard: WildcardEdge<T> | null;
  groups: RegExpExecArray | null;
}

function conflict(method: string, pattern: string, existing: string): Error {
  return new Error(`route ${method} ${pattern} conflicts with ${method} ${existing}: both match the same paths; remove one or make them differ`);
}

/**
 * The trie router used by the framework. Lookup cost depends on the path's depth, not on how many
 * routes are registered.
 *
 * @example
 * ```ts
 * const router = new TrieRouter<string>();
 * router.add("GET", "/books/:isbn", "show");
 * router.find("GET", "/books/978-0")?.params; // { isbn: "978-0" }
 * ```
 */
export class TrieRouter<T> implements Router<T> {
  readonly #trees = new Map<string, MethodTree<T>>();

  add(method: string, pattern: string, value: T): void {
    let variants: Variant[];
    try {
      variants = compilePattern(pattern);
    } catch (error) {
      throw new TypeError(`route ${method} ${pattern}: ${(error as Error).message}`, { cause: error });
    }
    let tree = this.#trees.get(method);
    if (tree === undefined) this.#trees.set(method, (tree = { root: new Node(), statics: new Map() }));
    for (const variant of variants) this.#insert(tree, method, pattern, variant, value);
  }

  #insert(tree: MethodTree<T>, method: string, pattern: string, variant: Variant, value: T): void {
    const { segments } = variant;
    if (segments.every((segment) => segment.kind === SegmentKind.Static)) {
      const path = "/" + segments.map((segment) => (segment as { text: string }).text).join("/");
      const existing = tree.statics.get(path);
      if (existing !== undefined) throw conflict(method, pattern, existing.pattern);
      tree.statics.set(path, { value, pattern, names: [] });
      return;
    }
    const names: string[] = [];
    let node = tree.root;
    for (const segment of segments) {
      if (segment.kind === SegmentKind.Static) {
        node.statics ??= new Map();
        let next = node.statics.get(segment.text);
        if (next === undefined) node.statics.set(segment.text, (next = new Node()));
        node = next;
      } else if (segment.kind === SegmentKind.Param) {
        names.push(segment.name);
        node = node.param ??= new Node();
      } else if (segment.kind === SegmentKind.Compound) {
        names.push(...segment.names);
        node.compounds ??= [];
        let edge = node.compounds.find((candidate) => candidate.key === segment.key);
        if (edge === undefined) node.compounds.push((edge = { key: segment.key, regexp: segment.regexp, node: new Node() }));
        node = edge.node;
      } else {
        node.wildcards ??= [];
        const existing = node.wildcards.find((candidate) => candidate.key === segment.key);
        if (existing !== undefined) throw conflict(method, pattern, existing.leaf.pattern);
        node.wildcards.push({ key: segment.key, regexp: segment.regexp, names: segment.names, wildcards: segment.wildcards, leaf: { value, pattern, names } });
        return;
      }
    }
    if (node.leaf !== null) throw conflict(method, pattern, node.leaf.pattern);
    node.leaf = { value, pattern, names };
  }

  find(method: string, path: string): RouteMatch<T> | null {
    const tree = this.#trees.get(method);
    if (tree === undefined) return null;
    const leaf = tree.statics.get(path);
    if (leaf !== undefined) return { value: leaf.value, pattern: leaf.pattern, params: {} };
    if (path.charCodeAt(0) !== 47) return null;
    const captures: string[] = [];
    const found = walk(tree.root, path, 0, captures);
    if (found === null) return null;
    const params: Params = {};
    const { names } = found.leaf;
    for (let i = 0; i < names.length; i++) params[names[i] as string] = captures[i] as string;
    if (found.wildcard !== null && found.groups !== null) {
      const { names: tail, wildcards } = found.wildcard;
      for (let i = 0; i < tail.length; i++) {
        const value = found.groups[i + 1];
        if (value === undefined) continue;
        const name = tail[i] as string;
        params[name] = wildcards.has(name) ? value.split("/") : value;
      }
    }
    return { value: found.leaf.value, pattern: found.leaf.pattern, params };
  }

  allowed(path: string): string[] {
    const methods: string[] = [];
    for (const method of this.#trees.keys()) if (this.find(method, path) !== null) methods.push(method);
    return methods;
  }
}

/** Depth-first, most specific child first; `pos` is the index of the `/` opening the next segment. */
function walk<T>(node: Node<T>, path: string, pos: number, captures: string[]): Found<T> | null {
  if (pos === path.length) return node.leaf === null ? null : { leaf: node.leaf, wildcard: null, groups: null };
  let end = path.indexOf("/", pos + 1);
  if (end === -1) end = path.length;
  if (node.statics !== null) {
    const next = node.statics.get(path.slice(pos + 1, end));
    if (next !== undefined) {
      const found = walk(next, path, end, captures);
      if (found !== null) return found;
    }
  }
  const depth = captures.length;
  if (node.compounds !== null) {
    const segment = path.slice(pos, end);
    for (const edge of node.compounds) {
      const groups = edge.regexp.exec(segment);
      if (groups === null) continue;
      for (let i = 1; i < groups.length; i++) captures.push(groups[i] as string);
      const found = walk(edge.node, path, end, captures);
      if (found !== null) return found;
      captures.length = depth;
    }
  }
  if (node.param !== null && end > pos + 1) {
    captures.push(path.slice(pos + 1, end));
    const found = walk(node.param, path, end, captures);
    if (found !== null) return found;
    captures.length = depth;
  }
  if (node.wildcards !== null) {
    const rest = pos === 0 ? path : path.slice(pos);
    for (const edge of node.wildcards) {
      const groups = edge.regexp.exec(rest);
      if (groups !== null) return { leaf: edge.leaf, wildcard: edge, groups };
    }
  }
  return null;
}
