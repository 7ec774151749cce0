/**
 * Envs from CGI parameter lists (FastCGI PARAMS, an SCGI header), fast for the layouts a front server
 * repeats. nginx sends the same names in the same order for every request of a location; once a layout
 * has come twice in a row, its env is made by one generated object literal (one hidden class, every key
 * in place) instead of a store per parameter, which costs about a microsecond per request. Any other
 * layout, and every layout past the first few, takes the general path ({@link copyParams}); both give
 * the same keys and values.
 * @module
 */
import { TSGI_VERSION, type Env, type RequestBody } from "../contract.js";
import { copyParams, createEnv, isDroppedParam, type EnvBase } from "./env-core.js";
import { LAZY_ABORT, type LazyAbort } from "./lazy-abort.js";

/** The RFC 3875 keys every env has, with the value createEnv gives them when no parameter does. */
const DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ["REQUEST_METHOD", "GET"],
  ["SCRIPT_NAME", ""],
  ["PATH_INFO", ""],
  ["QUERY_STRING", ""],
  ["SERVER_NAME", ""],
  ["SERVER_PORT", ""],
  ["SERVER_PROTOCOL", "HTTP/1.0"],
  ["GATEWAY_INTERFACE", "CGI/1.1"],
  ["REMOTE_ADDR", ""],
];

type Make = (params: Array<[string, string]>, extra: readonly string[], input: RequestBody, base: EnvBase, abort: LazyAbort, key: symbol, version: typeof TSGI_VERSION) => Env;

interface Layout {
  names: string[];
  /** Per parameter: 1 when it is an empty CONTENT_TYPE/CONTENT_LENGTH (left out of the env), else 0. */
  empty: Uint8Array;
  make: Make | undefined;
}

const MAX_LAYOUTS = 8;

function isContent(name: string): boolean {
  return name === "CONTENT_TYPE" || name === "CONTENT_LENGTH";
}

function matches(layout: Layout, params: Array<[string, string]>): boolean {
  const names = layout.names;
  if (names.length !== params.length) return false;
  for (let i = 0; i < names.length; i++) {
    const pair = params[i] as [string, string];
    if (pair[0] !== names[i]) return false;
    if (layout.empty[i] === 1 ? pair[1] !== "" : pair[1] === "" && isContent(pair[0])) return false;
  }
  return true;
}

function layoutOf(params: Array<[string, string]>): Layout {
  const names = params.map((pair) => pair[0]);
  const empty = new Uint8Array(names.length);
  params.forEach(([name, value], i) => {
    if (value === "" && isContent(name)) empty[i] = 1;
  });
  return { names, empty, make: undefined };
}

/** The generated maker of a layout, or undefined when the general path must serve it (a repeated name, `__proto__`). */
function compile(layout: Layout, extraKeys: readonly string[]): Make | undefined {
  const { names, empty } = layout;
  if (new Set(names).size !== names.length || names.includes("__proto__")) return undefined;
  const key = (name: string) => JSON.stringify(name);
  const at = new Map<string, number>();
  names.forEach((name, i) => {
    if (empty[i] === 0 && !isDroppedParam(name)) at.set(name, i);
  });
  const fields: string[] = [];
  for (const [name, fallback] of DEFAULTS) {
    const i = at.get(name);
    fields.push(`${key(name)}: ${i === undefined ? key(fallback) : `p[${i}][1]`}`);
    at.delete(name);
  }
  fields.push(
    `"tsgi.version": v`, `"tsgi.url_scheme": "http"`, `"tsgi.input": i`, `"tsgi.errors": b.errors`,
    `"tsgi.multithread": b.multithread`, `"tsgi.multiprocess": b.multiprocess`, `"tsgi.run_once": b.runOnce`,
    `"tsgi.development": b.development`, `[k]: a`,
  );
  extraKeys.forEach((name, i) => {
    fields.push(`${key(name)}: x[${i}]`);
    at.delete(name);
  });
  for (const [name, i] of at) fields.push(`${key(name)}: p[${i}][1]`);
  try {
    return new Function("p", "x", "i", "b", "a", "k", "v", `"use strict";\nreturn {\n  ${fields.join(",\n  ")}\n};`) as Make;
  } catch {
    return undefined; // code generation from strings disallowed (--disallow-code-generation-from-strings)
  }
}

/**
 * Makes the envs of one server from parameter lists. `extraKeys` are keys the server sets itself after
 * the parameters (FastCGI's `FCGI_ROLE`); their values come with each call. Call {@link finishEnv} on
 * the result, as after {@link copyParams}.
 *
 * @example
 * ```ts
 * const envs = new ParamEnvBuilder(["FCGI_ROLE"]);
 * const env = finishEnv(envs.build(base, input, abort, pairs, ["RESPONDER"]), base.scriptName);
 * ```
 */
export class ParamEnvBuilder {
  readonly #extraKeys: readonly string[];
  readonly #layouts: Layout[] = [];
  #candidate: Layout | undefined = undefined;
  #last: Layout | undefined = undefined;

  constructor(extraKeys: readonly string[] = []) {
    for (const name of extraKeys) {
      if (!isDroppedParam(name)) throw new TypeError(`ParamEnvBuilder: extra key ${name} must be one the parameters cannot set (see isDroppedParam)`);
    }
    this.#extraKeys = extraKeys;
  }

  /** How many layouts this builder serves from a generated maker (at most 8). */
  get learnt(): number {
    return this.#layouts.filter((layout) => layout.make !== undefined).length;
  }

  /** The env of one request: the parameters (names as sent, HTTP_* values one char per byte) and the server's extra values. */
  build(base: EnvBase, input: RequestBody, abort: LazyAbort, params: Array<[string, string]>, extra: readonly string[] = []): Env {
    const layout = this.#find(params);
    if (layout?.make !== undefined) {
      return layout.make(params, extra, input, base, abort, LAZY_ABORT, TSGI_VERSION);
    }
    const env = createEnv(base, input, abort);
    const record = env as unknown as Record<string, string>;
    this.#extraKeys.forEach((name, i) => {
      record[name] = extra[i] as string;
    });
    copyParams(env, params);
    return env;
  }

  #find(params: Array<[string, string]>): Layout | undefined {
    const last = this.#last;
    if (last !== undefined && matches(last, params)) return last;
    for (const layout of this.#layouts) {
      if (layout !== last && matches(layout, params)) return (this.#last = layout);
    }
    if (this.#layouts.length >= MAX_LAYOUTS) return undefined;
    const candidate = this.#candidate;
    if (candidate === undefined || !matches(candidate, params)) {
      this.#candidate = layoutOf(params);
      return undefined;
    }
    this.#candidate = undefined;
    candidate.make = compile(candidate, this.#extraKeys);
    this.#layouts.push(candidate);
    return (this.#last = candidate);
  }
}
