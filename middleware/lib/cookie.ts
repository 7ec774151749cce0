/** Writing Set-Cookie headers safely: names, paths and domains that could inject attributes are refused. @module */
import { serialize } from "cookie";
import type { Env } from "tsgi";

/** Browsers drop cookies larger than this (RFC 6265 section 6.1 asks for at least 4096 bytes per cookie). */
export const MAX_COOKIE_BYTES = 4096;

/** Attributes of a cookie the middleware sets. Defaults: HttpOnly, Path=/, SameSite=Lax, Secure over https. */
export interface CookieOptions {
  /** Cookie name; `;`, `=`, whitespace, CR and LF are refused. */
  name?: string;
  path?: string;
  domain?: string;
  /** Default true. */
  httpOnly?: boolean;
  /** `"auto"` (default): Secure when the request came over https. */
  secure?: boolean | "auto";
  /** Default `"lax"`. */
  sameSite?: "lax" | "strict" | "none";
  /** Mark the cookie Partitioned (CHIPS). */
  partitioned?: boolean;
}

const UNSAFE_NAME = /[;=\s,\u0000-\u001f\u007f"\\()<>@:/[\]?{}]/;
const UNSAFE_ATTRIBUTE = /[;\r\n\u0000-\u001f\u007f]/;

/** Checks cookie options once, at registration; throws an error naming the bad part. */
export function checkCookieOptions(options: CookieOptions, defaultName: string): Required<Pick<CookieOptions, "name" | "path">> & CookieOptions {
  const name = options.name ?? defaultName;
  if (name === "" || UNSAFE_NAME.test(name)) throw new TypeError(`cookie name ${JSON.stringify(name)} is not a token: drop ';', '=', spaces, CR/LF and separators`);
  const path = options.path ?? "/";
  if (UNSAFE_ATTRIBUTE.test(path) || !path.startsWith("/")) throw new TypeError(`cookie path ${JSON.stringify(path)} must start with "/" and contain no ';', CR, LF or control characters`);
  if (options.domain !== undefined && (UNSAFE_ATTRIBUTE.test(options.domain) || /[=\s]/.test(options.domain) || options.domain === "")) {
    throw new TypeError(`cookie domain ${JSON.stringify(options.domain)} must be a host name without ';', '=', spaces or CR/LF`);
  }
  if (options.sameSite === "none" && options.secure === false) throw new TypeError("SameSite=None cookies must be Secure: browsers reject them otherwise");
  return { ...options, name, path };
}

/** Serializes a Set-Cookie value with the checked options; `maxAge` in seconds (0 deletes the cookie). */
export function setCookie(env: Env, options: ReturnType<typeof checkCookieOptions>, value: string, maxAge?: number): string {
  const secure = options.secure === undefined || options.secure === "auto" ? env["tsgi.url_scheme"] === "https" || options.sameSite === "none" : options.secure;
  return serialize(options.name, value, {
    path: options.path,
    ...(options.domain !== undefined ? { domain: options.domain } : {}),
    httpOnly: options.httpOnly ?? true,
    secure,
    sameSite: options.sameSite ?? "lax",
    ...(options.partitioned === true ? { partitioned: true } : {}),
    ...(maxAge !== undefined ? { maxAge: Math.max(0, Math.floor(maxAge)) } : {}),
    ...(maxAge === 0 ? { expires: new Date(0) } : {}),
  });
}

/**
 * Reads one cookie from the request, or undefined. A Cookie header over `limit` bytes, or a value
 * over {@link MAX_COOKIE_BYTES}, counts as absent (a browser never sends one; someone crafted it).
 */
export function readCookie(env: Env, name: string, limit = 16 * 1024): string | undefined {
  const header = env.HTTP_COOKIE;
  if (header === undefined || header === "" || header.length > limit) return undefined;
  let found: string | undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    found ??= value; // the first one wins: it has the longest path (RFC 6265 5.4)
  }
  if (found === undefined || found.length > MAX_COOKIE_BYTES) return undefined;
  if (!found.includes("%")) return found;
  try {
    return decodeURIComponent(found);
  } catch {
    return undefined;
  }
}
