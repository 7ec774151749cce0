/**
 * Validating a route's input against its zod schemas, collecting every bad field before answering
 * with one 400 problem+json.
 * @module
 */
import type { Env } from "../contract.js";
import { SET_INPUT, type Context } from "./context.js";
import { cookieObject, headerObject, queryObject, readBodyValue, type BodyLimits } from "./input.js";
import { ValidationError, type InvalidParam } from "./problems.js";
import type { Input, RouteSchemas, Schema } from "./types.js";

interface SchemaDef {
  type?: string;
  innerType?: SchemaLike;
  shape?: Record<string, SchemaLike>;
}
interface SchemaLike {
  def?: SchemaDef;
  shape?: Record<string, SchemaLike>;
}

/** Keys of an object schema whose field is an array (through optional/default/nullable wrappers). */
export function arrayKeys(schema: Schema | undefined): string[] {
  const shape = (schema as SchemaLike | undefined)?.shape;
  if (shape === undefined || typeof shape !== "object") return [];
  const keys: string[] = [];
  for (const [key, field] of Object.entries(shape)) {
    let def = field.def;
    for (let depth = 0; def !== undefined && depth < 8 && def.type !== "array"; depth++) def = def.innerType?.def;
    if (def?.type === "array") keys.push(key);
  }
  return keys;
}

/** A route's schemas, prepared once at registration. */
export interface Validation {
  schemas: RouteSchemas;
  queryArrays: string[];
  bodyArrays: string[];
}

/** Prepares a route's validation, or returns null when it declares no schema. */
export function prepareValidation(schemas: RouteSchemas): Validation | null {
  if (schemas.params === undefined && schemas.query === undefined && schemas.headers === undefined
    && schemas.cookies === undefined && schemas.body === undefined) return null;
  return { schemas, queryArrays: arrayKeys(schemas.query), bodyArrays: arrayKeys(schemas.body) };
}

function wrapArrays(value: unknown, keys: string[]): unknown {
  if (keys.length === 0 || typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  for (const key of keys) {
    const field = record[key];
    if (field !== undefined && !Array.isArray(field)) record[key] = [field];
  }
  return record;
}

/**
 * Validates every declared part of the request and stores the parsed values on the context.
 * Throws a {@link ValidationError} listing every invalid field; body read errors (413, 415, bad JSON) pass through.
 */
export async function validateInput(validation: Validation, ctx: Context<Input>, env: Env, limits: BodyLimits): Promise<void> {
  const { schemas } = validation;
  const invalid: InvalidParam[] = [];
  const check = async (part: keyof Input, schema: Schema | undefined, value: () => unknown): Promise<void> => {
    if (schema === undefined) return;
    const result = await schema.safeParseAsync(await value());
    if (result.success) {
      ctx[SET_INPUT](part, result.data);
      return;
    }
    for (const issue of result.error.issues) invalid.push({ in: part, name: issue.path.map(String).join("."), reason: issue.message });
  };
  await check("params", schemas.params, () => ({ ...(ctx.params as object) }));
  await check("query", schemas.query, () => wrapArrays(queryObject(env.QUERY_STRING, true), validation.queryArrays));
  await check("headers", schemas.headers, () => headerObject(env));
  await check("cookies", schemas.cookies, () => cookieObject(env));
  await check("body", schemas.body, async () => wrapArrays(await readBodyValue(env, limits), validation.bodyArrays));
  if (invalid.length > 0) throw new ValidationError(invalid);
}
