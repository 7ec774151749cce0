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

const SMALL = 8;

class Node<T> {
  /** Static children; with few of them, also as parallel arrays compared in place (no slice, no hash). */
  statics: Map<string, Node<T>> | null = null;
  staticKeys: string[] | null = null;
  staticNodes: Array<Node<T>> | null = null;
  compounds: Array<CompoundEdge<T>> | null = null;
  param: Node<T> | null = null;
  wildcards: Array<WildcardEdge<T>> | null = null;
  leaf: Leaf<T> | null = null;
}

interface MethodTree<T> {
  root: Node<T>;
  statics: Map<string, Leaf<T>>;
  /** `staticLengths[n]` is true when a fully static path of length n exists: other paths skip hashing. */
  staticLengths: boolean[];
  /** Whether the trie below `root` holds any route (a table of static paths only never walks). */
  dynamic: boolean;
}

/**
 * The same name as an internalized string (the form V8 keeps property keys in), so building a params
 * object stores by pointer instead of looking the name up in the string table on every request.
 */
function propertyKey(name: string): string {
  return Object.keys({ [name]: 0 })[0] as string;
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
  readonly #state: WalkState<T> = { captures: [], count: 0, wildcard: null, groups: null };

  add(method: string, pattern: string, value: T): void {
    let variants: Variant[];
    try {
      variants = compilePattern(pattern);
    } catch (error) {
      throw new TypeError(`route ${method} ${pattern}: ${(error as Error).message}`, { cause: error });
    }
    let tree = this.#trees.get(method);
    if (tree === undefined) this.#trees.set(method, (tree = { root: new Node(), statics: new Map(), staticLengths: [], dynamic: false }));
    for (const variant of variants) this.#insert(tree, method, pattern, variant, value);
  }

  #insert(tree: MethodTree<T>, method: string, pattern: string, variant: Variant, value: T): void {
    const { segments } = variant;
    if (segments.every((segment) => segment.kind === SegmentKind.Static)) {
      const path = "/" + segments.map((segment) => (segment as { text: string }).text).join("/");
      const existing = tree.statics.get(path);
      if (existing !== undefined) throw conflict(method, pattern, existing.pattern);
      tree.statics.set(path, { value, pattern, names: [] });
      while (tree.staticLengths.length < path.length) tree.staticLengths.push(false);
      tree.staticLengths[path.length] = true;
      return;
    }
    tree.dynamic = true;
    const names: string[] = [];
    let node = tree.root;
    for (const segment of segments) {
      if (segment.kind === SegmentKind.Static) {
        node.statics ??= new Map();
        let next = node.statics.get(segment.text);
        if (next === undefined) {
          node.statics.set(segment.text, (next = new Node()));
          node.staticKeys = node.statics.size <= SMALL ? [...node.statics.keys()] : null;
          node.staticNodes = node.statics.size <= SMALL ? [...node.statics.values()] : null;
        }
        node = next;
      } else if (segment.kind === SegmentKind.Param) {
        names.push(propertyKey(segment.name));
        node = node.param ??= new Node();
      } else if (segment.kind === SegmentKind.Compound) {
        for (const name of segment.names) names.push(propertyKey(name));
        node.compounds ??= [];
        let edge = node.compounds.find((candidate) => candidate.key === segment.key);
        if (edge === undefined) node.compounds.push((edge = { key: segment.key, regexp: segment.regexp, node: new Node() }));
        node = edge.node;
      } else {
        node.wildcards ??= [];
        const existing = node.wildcards.find((candidate) => candidate.key === segment.key);
        if (existing !== undefined) throw conflict(method, pattern, existing.leaf.pattern);
        node.wildcards.push({ key: segment.key, regexp: segment.regexp, names: segment.names.map(propertyKey), wildcards: segment.wildcards, leaf: { value, pattern, names } });
        return;
      }
    }
    if (node.leaf !== null) throw conflict(method, pattern, node.leaf.pattern);
    node.leaf = { value, pattern, names };
  }

  find(method: string, path: string): RouteMatch<T> | null {
    const tree = this.#trees.get(method);
    if (tree === undefined) return null;
    if (tree.staticLengths[path.length] === true) {
      const leaf = tree.statics.get(path);
      if (leaf !== undefined) return { value: leaf.value, pattern: leaf.pattern, params: {} };
    }
    if (!tree.dynamic || path.charCodeAt(0) !== 47) return null;
    // One scratch state per router: find() is synchronous, so it is never shared by two lookups.
    const state = this.#state;
    state.count = 0;
    state.wildcard = null;
    state.groups = null;
    let found = descend(tree.root, path, state.captures);
    if (found === undefined) found = walk(tree.root, path, 0, state);
    if (found === null) return null;
    const params: Params = {};
    const { names } = found;
    const { captures } = state;
    for (let i = 0; i < names.length; i++) params[names[i] as string] = captures[i] as string;
    const wildcard = state.wildcard as WildcardEdge<T> | null;
    const groups = state.groups as RegExpExecArray | null;
    if (wildcard !== null && groups !== null) {
      const { names: tail, wildcards } = wildcard;
      for (let i = 0; i < tail.length; i++) {
        const value = groups[i + 1];
        if (value === undefined) continue;
        const name = tail[i] as string;
        params[name] = wildcards.has(name) ? value.split("/") : value;
      }
    }
    return { value: found.value, pattern: found.pattern, params };
  }

  allowed(path: string): string[] {
    const methods: string[] = [];
    for (const method of this.#trees.keys()) if (this.find(method, path) !== null) methods.push(method);
    return methods;
  }
}

interface WalkState<T> {
  /** Positional captures; only the first `count` are current (no truncation on backtracking). */
  captures: string[];
  count: number;
  wildcard: WildcardEdge<T> | null;
  groups: RegExpExecArray | null;
}

/**
 * The first branch {@link walk} would try, as a loop: a matching static child, else the param child.
 * The leaf when that branch ends in one (so it is walk's answer too); null when it does not and no node
 * on the way offered another branch (a miss, walk would find nothing either); `undefined` otherwise, or
 * when a node has compound or wildcard children: then walk decides, backtracking as it needs.
 */
function descend<T>(root: Node<T>, path: string, captures: string[]): Leaf<T> | null | undefined {
  const length = path.length;
  let node = root;
  let pos = 0;
  let count = 0;
  // Whether a node passed on the way had a param child besides the static one taken: only then can
  // walk's backtracking find what this branch did not.
  let fork = false;
  for (;;) {
    if (pos === length) return node.leaf ?? (fork ? undefined : null);
    if (node.compounds !== null || node.wildcards !== null) return undefined;
    let end = path.indexOf("/", pos + 1);
    if (end === -1) end = length;
    let next = staticChild(node, path, pos, end);
    if (next === null) {
      if (node.param === null || end === pos + 1) return fork ? undefined : null;
      captures[count++] = path.slice(pos + 1, end);
      next = node.param;
    } else if (node.param !== null) {
      fork = true;
    }
    node = next;
    pos = end;
  }
}

/** The static child named by the segment `path[pos + 1, end)`: a scan of the few keys, or the map's lookup. */
function staticChild<T>(node: Node<T>, path: string, pos: number, end: number): Node<T> | null {
  const keys = node.staticKeys;
  if (keys !== null) {
    const size = end - pos - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key.length === size && path.startsWith(key, pos + 1)) return (node.staticNodes as Array<Node<T>>)[i] as Node<T>;
    }
    return null;
  }
  return node.statics === null ? null : node.statics.get(path.slice(pos + 1, end)) ?? null;
}

/** Depth-first, most specific child first; `pos` is the index of the `/` opening the next segment. */
function walk<T>(node: Node<T>, path: string, pos: number, state: WalkState<T>): Leaf<T> | null {
  if (pos === path.length) return node.leaf;
  let end = path.indexOf("/", pos + 1);
  if (end === -1) end = path.length;
  const next = staticChild(node, path, pos, end);
  if (next !== null) {
    const found = walk(next, path, end, state);
    if (found !== null) return found;
  }
  const { captures } = state;
  const depth = state.count;
  if (node.compounds !== null) {
    const segment = path.slice(pos, end);
    for (const edge of node.compounds) {
      const groups = edge.regexp.exec(segment);
      if (groups === null) continue;
      for (let i = 1; i < groups.length; i++) captures[state.count++] = groups[i] as string;
      const found = walk(edge.node, path, end, state);
      if (found !== null) return found;
      state.count = depth;
    }
  }
  if (node.param !== null && end > pos + 1) {
    captures[state.count++] = path.slice(pos + 1, end);
    const found = walk(node.param, path, end, state);
    if (found !== null) return found;
    state.count = depth;
  }
  if (node.wildcards !== null) {
    const rest = pos === 0 ? path : path.slice(pos);
    for (const edge of node.wildcards) {
      const groups = edge.regexp.exec(rest);
      if (groups !== null) {
        state.wildcard = edge;
        state.groups = groups;
        return edge.leaf;
      }
    }
  }
  return null;
}
