/**
 * `tsgi/middleware/security-headers`: the response headers browsers use to contain a page
 * (CSP, HSTS, framing, sniffing, referrer, opener). Headers the app set itself are left alone.
 *
 * @example
 * ```ts
 * import { securityHeaders } from "tsgi/middleware/security-headers";
 * export default securityHeaders({ contentSecurityPolicy: "default-src 'self'; img-src *" })(app);
 * ```
 * @module
 */
import type { App, Env, HeaderList, Middleware, Reply } from "tsgi";
import { hasHeader } from "./lib/headers.js";

/** A default Content-Security-Policy: same-origin everything, no plugins, no framing by others. */
export const DEFAULT_CSP = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'";

/** Options for {@link securityHeaders}; `false` leaves a header out. */
export interface SecurityHeadersOptions {
  /** Default {@link DEFAULT_CSP}. */
  contentSecurityPolicy?: string | false;
  /** Report-only instead of enforcing (while you tune a policy). Default false. */
  cspReportOnly?: boolean;
  /** Strict-Transport-Security, sent on https only. Default one year with subdomains. */
  hsts?: { maxAge: number; includeSubDomains?: boolean; preload?: boolean } | false;
  /** X-Frame-Options. Default `SAMEORIGIN`. */
  frameOptions?: "DENY" | "SAMEORIGIN" | false;
  /** Referrer-Policy. Default `strict-origin-when-cross-origin`. */
  referrerPolicy?: string | false;
  /** Cross-Origin-Opener-Policy. Default `same-origin`. */
  crossOriginOpenerPolicy?: string | false;
  /** Permissions-Policy, e.g. `camera=(), microphone=()`. Default none. */
  permissionsPolicy?: string | false;
}

const UNSAFE = /[\r\n\u0000]/;

/** Adds security headers to every reply (X-Content-Type-Options: nosniff always). */
export function securityHeaders(options: SecurityHeadersOptions = {}): Middleware {
  const common: HeaderList = [["x-content-type-options", "nosniff"]];
  const csp = options.contentSecurityPolicy ?? DEFAULT_CSP;
  if (csp !== false) common.push([options.cspReportOnly === true ? "content-security-policy-report-only" : "content-security-policy", csp]);
  const frame = options.frameOptions ?? "SAMEORIGIN";
  if (frame !== false) common.push(["x-frame-options", frame]);
  const referrer = options.referrerPolicy ?? "strict-origin-when-cross-origin";
  if (referrer !== false) common.push(["referrer-policy", referrer]);
  const coop = options.crossOriginOpenerPolicy ?? "same-origin";
  if (coop !== false) common.push(["cross-origin-opener-policy", coop]);
  if (typeof options.permissionsPolicy === "string") common.push(["permissions-policy", options.permissionsPolicy]);
  for (const [name, value] of common) if (UNSAFE.test(value)) throw new TypeError(`${name} must not contain CR, LF or NUL`);
  const hstsOption = options.hsts ?? { maxAge: 31_536_000, includeSubDomains: true };
  const hsts = hstsOption === false ? undefined
    : `max-age=${Math.floor(hstsOption.maxAge)}${hstsOption.includeSubDomains === true ? "; includeSubDomains" : ""}${hstsOption.preload === true ? "; preload" : ""}`;
  return (app: App): App => async (env: Env): Promise<Reply> => {
    const reply = await app(env);
    const headers = [...reply.headers];
    for (const [name, value] of common) if (!hasHeader(headers, name)) headers.push([name, value]);
    if (hsts !== undefined && env["tsgi.url_scheme"] === "https" && !hasHeader(headers, "strict-transport-security")) headers.push(["strict-transport-security", hsts]);
    return { ...reply, headers };
  };
}
