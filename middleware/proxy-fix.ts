/**
 * `tsgi/middleware/proxy-fix`: believes `X-Forwarded-*` headers from a known number of trusted proxies,
 * as Werkzeug's ProxyFix does. Each option is the number of proxies that set that header; the value
 * that many entries from the right is used, so a client cannot spoof it by sending its own header.
 *
 * @example
 * ```ts
 * import { proxyFix } from "tsgi/middleware/proxy-fix";
 * // one nginx on this machine that sets X-Forwarded-For, -Proto and -Host:
 * export default proxyFix({ for: 1, proto: 1, host: 1 })(app);
 * // a load balancer on the private network:
 * export const behindLb = proxyFix({ proxies: ["10.0.0.0/8"] })(app);
 * ```
 * @module
 */
import { BlockList, isIP } from "node:net";
import type { App, Env, Middleware } from "tsgi";

/** How many proxies set each header (0 = ignore the header). */
export interface ProxyFixOptions {
  /** X-Forwarded-For → REMOTE_ADDR. Default 1. */
  for?: number;
  /** X-Forwarded-Proto → tsgi.url_scheme and HTTPS. Default 1. */
  proto?: number;
  /** X-Forwarded-Host → HTTP_HOST, SERVER_NAME (and SERVER_PORT when it has one). Default 0. */
  host?: number;
  /** X-Forwarded-Port → SERVER_PORT. Default 0. */
  port?: number;
  /** X-Forwarded-Prefix → prepended to SCRIPT_NAME. Default 0. */
  prefix?: number;
  /**
   * Which peers (REMOTE_ADDR) are believed. Default `"loopback"`: 127.0.0.0/8, ::1 and unix-socket peers
   * (REMOTE_ADDR empty) — a proxy on the same machine. A list of addresses and CIDR ranges widens it
   * (`["loopback", "10.0.0.0/8", "fd00::/8"]`; `"unix"` for unix-socket peers alone). `"any"` believes
   * every peer: only when nothing but the proxy can reach the app. Headers from other peers are ignored.
   */
  proxies?: "loopback" | "any" | readonly string[];
}

/** The env key holding the values before the fix: `{ REMOTE_ADDR, HTTP_HOST, ... }`. */
export const PROXY_ORIGINAL_KEY = "tsgi.proxy_fix.original";

function trusted(header: string | undefined, hops: number): string | undefined {
  if (hops === 0 || header === undefined) return undefined;
  const values = header.split(",").map((value) => value.trim());
  if (values.length < hops) return undefined;
  return values[values.length - hops];
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253})|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
const PREFIX = /^(?:\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+\/?$/;

/** The peers `proxies` names, as a test of REMOTE_ADDR; throws naming a malformed entry. */
function trustedPeers(proxies: ProxyFixOptions["proxies"]): (address: string) => boolean {
  if (proxies === "any") return () => true;
  const entries = proxies === undefined || proxies === "loopback" ? ["loopback"] : proxies;
  if (typeof entries === "string" || !Array.isArray(entries)) throw new TypeError(`proxyFix proxies must be "loopback", "any" or a list of addresses and CIDR ranges; got ${JSON.stringify(proxies)}`);
  const list = new BlockList();
  let unix = false;
  for (const entry of entries) {
    if (entry === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      unix = true;
      continue;
    }
    if (entry === "unix") {
      unix = true;
      continue;
    }
    const [address = "", bits, extra] = String(entry).split("/");
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    if (family === 0 || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(bits as string) || prefix > (family === 4 ? 32 : 128)))) {
      throw new TypeError(`proxyFix proxies entry ${JSON.stringify(entry)} is not an IP address, a CIDR range like "10.0.0.0/8", "loopback" or "unix"`);
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return (address) => {
    if (address === "") return unix;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
    const family = isIP(mapped);
    return family !== 0 && list.check(mapped, family === 4 ? "ipv4" : "ipv6");
  };
}

/**
 * Trusts forwarded headers from `for`/`proto`/`host`/`port`/`prefix` proxies, when the request comes
 * from a trusted peer (`proxies`; by default only this machine). Malformed values are ignored.
 */
export function proxyFix(options: ProxyFixOptions = {}): Middleware {
  const hops = { for: options.for ?? 1, proto: options.proto ?? 1, host: options.host ?? 0, port: options.port ?? 0, prefix: options.prefix ?? 0 };
  for (const [name, count] of Object.entries(hops)) if (!Number.isInteger(count) || count < 0) throw new TypeError(`proxyFix ${name} must be a whole number of proxies; got ${String(count)}`);
  const believed = trustedPeers(options.proxies);
  return (app: App): App => (env: Env) => {
    if (!believed(env.REMOTE_ADDR)) return app(env);
    const original: Record<string, string | undefined> = {
      REMOTE_ADDR: env.REMOTE_ADDR, HTTP_HOST: env.HTTP_HOST, SERVER_NAME: env.SERVER_NAME, SERVER_PORT: env.SERVER_PORT,
      SCRIPT_NAME: env.SCRIPT_NAME, HTTPS: env.HTTPS, "tsgi.url_scheme": env["tsgi.url_scheme"],
    };
    env[PROXY_ORIGINAL_KEY] = original;

    const client = trusted(env.HTTP_X_FORWARDED_FOR, hops.for);
    if (client !== undefined && isIP(client) !== 0) env.REMOTE_ADDR = client;

    const proto = trusted(env.HTTP_X_FORWARDED_PROTO, hops.proto)?.toLowerCase();
    if (proto === "http" || proto === "https") {
      env["tsgi.url_scheme"] = proto;
      if (proto === "https") env.HTTPS = "on";
      else delete env.HTTPS;
    }

    const host = trusted(env.HTTP_X_FORWARDED_HOST, hops.host);
    const hostMatch = host === undefined ? null : HOST.exec(host);
    if (host !== undefined && hostMatch !== null) {
      env.HTTP_HOST = host;
      const port = hostMatch[1];
      const name = port === undefined ? host : host.slice(0, host.length - port.length - 1);
      env.SERVER_NAME = name.startsWith("[") ? name.slice(1, -1) : name;
      env.SERVER_PORT = port ?? (env["tsgi.url_scheme"] === "https" ? "443" : "80");
    }

    const port = trusted(env.HTTP_X_FORWARDED_PORT, hops.port);
    if (port !== undefined && /^\d{1,5}$/.test(port) && Number(port) <= 65535) {
      env.SERVER_PORT = port;
      if (env.HTTP_HOST !== undefined) {
        const bare = env.HTTP_HOST.replace(/:\d+$/, "");
        const fallback = env["tsgi.url_scheme"] === "https" ? "443" : "80";
        env.HTTP_HOST = port === fallback ? bare : `${bare}:${port}`;
      }
    }

    const prefix = trusted(env.HTTP_X_FORWARDED_PREFIX, hops.prefix);
    if (prefix !== undefined && PREFIX.test(prefix) && !prefix.split("/").includes("..")) {
      const clean = prefix.replace(/\/+$/, "");
      env.SCRIPT_NAME = clean + env.SCRIPT_NAME;
    }
    return app(env);
  };
}
