/**
 * The framework's types: route options, schemas and the handler input inferred from them.
 * Only types here, so importing zod's types costs nothing at run time.
 * @module
 */
import type { z } from "zod";
import type { Middleware } from "../contract.js";
import type { Params } from "./router.js";
import type { MultipartLimits } from "./multipart.js";

/** Any zod schema. Validation calls its `safeParseAsync`; zod itself is never imported by the framework. */
export type Schema = z.ZodType;

/** The schemas a route may declare for its input. Each is optional; what is declared is validated before the handler runs. */
export interface RouteSchemas {
  /** Path parameters (strings; coerce in the schema). */
  params?: Schema;
  /** The query string as an object: one string per key, an array when a key repeats; an empty value counts as absent. */
  query?: Schema;
  /** Request headers with lower-case names. */
  headers?: Schema;
  /** Request cookies by name. */
  cookies?: Schema;
  /** The body: JSON, or a urlencoded or multipart form as an object (files are {@link UploadedFile}s). */
  body?: Schema;
}

/** Everything a route may declare besides its handler. */
export interface RouteOptions extends RouteSchemas {
  /** A name for URL reversal: `app.url(name, params)`, `ctx.urlFor(name, params)`. */
  name?: string;
  /** Largest body read for this route, in bytes (default: the app's `bodyLimit`). */
  bodyLimit?: number;
  /** Limits for multipart bodies (default: the app's). */
  multipart?: MultipartLimits;
  /**
   * Plain tsgi middleware around this route only, outermost first: `[a, b]` runs `a(b(route))`.
   * They see the env after routing (`env["tsgi.route"]` is set); what they return is the reply.
   */
  middleware?: readonly Middleware[];
  /**
   * The JSON body of a successful reply. Documents the route (OpenAPI) and declares it a JSON route:
   * its errors are problem+json whatever the Accept (see `errorFormat`). Not checked at run time.
   */
  response?: Schema;
  /** A one-line summary for the OpenAPI document. */
  summary?: string;
  /** OpenAPI tags. */
  tags?: readonly string[];
}

type IdChar =
  | "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "i" | "j" | "k" | "l" | "m" | "n" | "o" | "p" | "q" | "r" | "s" | "t" | "u" | "v" | "w" | "x" | "y" | "z"
  | "A" | "B" | "C" | "D" | "E" | "F" | "G" | "H" | "I" | "J" | "K" | "L" | "M" | "N" | "O" | "P" | "Q" | "R" | "S" | "T" | "U" | "V" | "W" | "X" | "Y" | "Z"
  | "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "_" | "$";
type TakeName<S extends string, Acc extends string = ""> = S extends `${infer C}${infer Rest}`
  ? C extends IdChar ? TakeName<Rest, `${Acc}${C}`> : Acc
  : Acc;
type ParamsIn<S extends string> = S extends `${string}:${infer Rest}` ? TakeName<Rest> | ParamsIn<Rest> : never;
type WildcardsIn<S extends string> = S extends `${string}*${infer Rest}` ? TakeName<Rest> | WildcardsIn<Rest> : never;
type Outside<S extends string> = S extends `${infer Out}{${string}}${infer Rest}` ? Out | Outside<Rest> : S;
type Inside<S extends string> = S extends `${string}{${infer In}}${infer Rest}` ? In | Inside<Rest> : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The parameters a path pattern binds, read from its literal type: `:name` is a string, `*name` a
 * string array, and those inside `{…}` are optional.
 *
 * @example
 * ```ts
 * type P = PathParams<"/books/:isbn{/:page}">; // { isbn: string; page?: string }
 * ```
 */
export type PathParams<P extends string> = string extends P ? Params : Simplify<
  { [K in ParamsIn<Outside<P>>]: string }
  & { [K in WildcardsIn<Outside<P>>]: string[] }
  & { [K in Exclude<ParamsIn<Inside<P>>, ParamsIn<Outside<P>>>]?: string }
  & { [K in Exclude<WildcardsIn<Inside<P>>, WildcardsIn<Outside<P>>>]?: string[] }
>;

/** The validated input a handler sees. */
export interface Input {
  params: unknown;
  query: unknown;
  headers: unknown;
  cookies: unknown;
  body: unknown;
}

/** The input of a route with no schemas. */
export interface DefaultInput extends Input {
  params: Params;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  body: unknown;
}

type Out<O, K extends keyof RouteSchemas, Fallback> = O extends { [P in K]: infer S extends Schema } ? z.output<S> : Fallback;

/** The handler input for a pattern `P` and options `O`: each declared schema's output type, else the raw shape. */
export interface InputOf<P extends string, O> extends Input {
  params: Out<O, "params", PathParams<P>>;
  query: Out<O, "query", Record<string, string | string[]>>;
  headers: Out<O, "headers", Record<string, string>>;
  cookies: Out<O, "cookies", Record<string, string>>;
  body: Out<O, "body", undefined>;
}
