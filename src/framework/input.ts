/**
 * Reading request input from the env: query, headers, cookies and bodies by media type.
 * @module
 */
import { parse as parseCookies } from "cookie";
import type { Env } from "../contract.js";
import { HttpError } from "../errors.js";
import { readBody, readJson } from "../gateway/body.js";
import { ValidationError } from "./problems.js";
import { addField, headerParams, parseMultipart, type FormFields, type MultipartLimits } from "./multipart.js";

/** Body limits the context applies. */
export interface BodyLimits {
  /** Largest JSON, text or urlencoded body, in bytes. */
  bodyLimit: number;
  multipart: MultipartLimits;
}

/**
 * The query string as an object: one string per key, an array when a key repeats.
 * With `dropEmpty`, keys whose value is "" are left out (validated input treats them as absent, so a
 * numeric field never turns "" into 0).
 */
export function queryObject(queryString: string, dropEmpty: boolean): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  if (queryString === "") return query;
  for (const [key, value] of new URLSearchParams(queryString)) {
    if (dropEmpty && value === "") continue;
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

/** Request headers with lower-case names (`content-type` and `content-length` included). */
export function headerObject(env: Env): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key in env) {
    if (key.startsWith("HTTP_")) {
      const value = env[key];
      if (typeof value === "string") headers[key.slice(5).toLowerCase().replaceAll("_", "-")] = value;
    }
  }
  if (env.CONTENT_TYPE !== undefined && env.CONTENT_TYPE !== "") headers["content-type"] = env.CONTENT_TYPE;
  if (env.CONTENT_LENGTH !== undefined && env.CONTENT_LENGTH !== "") headers["content-length"] = env.CONTENT_LENGTH;
  return headers;
}

/** Request cookies by name; a malformed value is kept raw rather than throwing. */
export function cookieObject(env: Env): Record<string, string> {
  const header = env.HTTP_COOKIE;
  const cookies: Record<string, string> = Object.create(null) as Record<string, string>;
  if (header === undefined || header === "") return cookies;
  const parsed = parseCookies(header, { decode: (value) => { try { return decodeURIComponent(value); } catch { return value; } } });
  for (const name in parsed) {
    const value = parsed[name];
    if (value !== undefined) cookies[name] = value;
  }
  return cookies;
}

/** The media type of the request, lower-cased, without parameters; "" when absent. */
export function mediaType(env: Env): string {
  const type = env.CONTENT_TYPE;
  if (type === undefined || type === "") return "";
  const semicolon = type.indexOf(";");
  return (semicolon === -1 ? type : type.slice(0, semicolon)).trim().toLowerCase();
}

/** True when the request declares no body (no Content-Length or 0, and no content type). */
export function hasNoBody(env: Env): boolean {
  const length = env.CONTENT_LENGTH;
  return (length === undefined || length === "" || length === "0") && (env.CONTENT_TYPE === undefined || env.CONTENT_TYPE === "");
}

/** Reads a urlencoded or multipart form body into fields (files as UploadedFile). Other media types: 415. */
export async function readForm(env: Env, limits: BodyLimits, dropEmpty = false): Promise<FormFields> {
  const type = mediaType(env);
  if (type === "application/x-www-form-urlencoded") {
    const text = new TextDecoder().decode(await readBody(env, { limit: limits.bodyLimit }));
    const fields: FormFields = Object.create(null) as FormFields;
    for (const [key, value] of new URLSearchParams(text)) if (!(dropEmpty && value === "")) addField(fields, key, value);
    return fields;
  }
  if (type === "multipart/form-data") {
    const boundary = headerParams(env.CONTENT_TYPE ?? "").get("boundary") ?? "";
    const fields = await parseMultipart(env["tsgi.input"], boundary, limits.multipart);
    if (dropEmpty) for (const key in fields) if (fields[key] === "") delete fields[key];
    return fields;
  }
  throw new HttpError(415, `expected a form (application/x-www-form-urlencoded or multipart/form-data), got ${type === "" ? "no content type" : type}`);
}

function asBodyProblem(error: unknown): unknown {
  if (error instanceof HttpError && error.status === 400 && !(error instanceof ValidationError)) {
    return new ValidationError([{ in: "body", name: "", reason: error.message }], error);
  }
  return error;
}

/** The body parsed as JSON; malformed JSON is a {@link ValidationError} naming `body`. */
export async function readJsonBody(env: Env, limit: number): Promise<unknown> {
  try {
    return await readJson(env, { limit });
  } catch (error) {
    throw asBodyProblem(error);
  }
}

/** Reads the body for a body schema, by media type: JSON, a form, or nothing. Anything else: 415. */
export async function readBodyValue(env: Env, limits: BodyLimits): Promise<unknown> {
  const type = mediaType(env);
  if (type === "application/json" || type.endsWith("+json")) return readJsonBody(env, limits.bodyLimit);
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    try {
      return await readForm(env, limits, true);
    } catch (error) {
      throw asBodyProblem(error);
    }
  }
  if (hasNoBody(env)) return undefined;
  throw new HttpError(415, `unsupported body type ${type === "" ? "(none given)" : type}; send application/json or a form`);
}
