/**
 * Request header names to RFC 3875 env keys, shared by every server that sees raw HTTP headers
 * (the HTTP server, the test client, the Fetch bridge). This is on the hot path: keys are cached.
 * @module
 */
import type { Env } from "../contract.js";

const cache = new Map<string, string | null>();
const CACHE_LIMIT = 2048;

function computeKey(lowerName: string): string | null {
  if (lowerName === "content-type") return "CONTENT_TYPE";
  if (lowerName === "content-length") return "CONTENT_LENGTH";
  // httpoxy: a client must never be able to set HTTP_PROXY (CVE-2016-5385).
  if (lowerName === "proxy") return null;
  // "X-Foo_Bar" and "X-Foo-Bar" would both become HTTP_X_FOO_BAR: drop names with "_" so they never merge.
  if (lowerName.includes("_")) return null;
  return "HTTP_" + lowerName.toUpperCase().replaceAll("-", "_");
}

/**
 * The env key for a request header name, or `null` when the header must not be exported
 * (`Proxy`, names containing `_`). Example: `headerEnvKey("x-request-id") === "HTTP_X_REQUEST_ID"`.
 * @param lowerName the header name in lower case
 */
export function headerEnvKey(lowerName: string): string | null {
  let key = cache.get(lowerName);
  if (key === undefined) {
    key = computeKey(lowerName);
    if (cache.size < CACHE_LIMIT) cache.set(lowerName, key);
  }
  return key;
}

/**
 * Adds one request header to an env, joining repeats: `Cookie` with `"; "`, any other with `", "`.
 * Returns false when the header was dropped (see {@link headerEnvKey}).
 */
export function addHeader(env: Record<string, unknown>, lowerName: string, value: string): boolean {
  const key = headerEnvKey(lowerName);
  if (key === null) return false;
  const previous = env[key];
  if (typeof previous === "string") {
    // Node and the Fetch Headers class have already joined most repeats; this covers raw header lists.
    env[key] = previous + (key === "HTTP_COOKIE" ? "; " : ", ") + value;
  } else {
    env[key] = value;
  }
  return true;
}

/**
 * Turns an env key back into a header name: `HTTP_X_REQUEST_ID` → `x-request-id`,
 * `CONTENT_TYPE` → `content-type`; `undefined` for keys that are not headers.
 */
export function envKeyHeader(key: string): string | undefined {
  if (key.startsWith("HTTP_")) return key.slice(5).toLowerCase().replaceAll("_", "-");
  if (key === "CONTENT_TYPE") return "content-type";
  if (key === "CONTENT_LENGTH") return "content-length";
  return undefined;
}

/** The request headers of an env as `[lower-case name, value]` pairs (Cookie included). */
export function envHeaders(env: Env): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key in env) {
    const value = env[key];
    if (typeof value !== "string" || value === "") continue;
    const name = envKeyHeader(key);
    if (name !== undefined) out.push([name, value]);
  }
  return out;
}
