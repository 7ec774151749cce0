/**
 * The signed (and optionally encrypted) cookie format of cookie sessions.
 *
 * Signed: `s1.<base64url JSON>.<base64url HMAC-SHA256>`; encrypted: `e1.<base64url iv|ciphertext|tag>` with
 * AES-256-GCM. The JSON holds the data, the issue time and the expiry (seconds), so both are covered by the
 * MAC or the GCM tag. The cookie name is bound in as well, so a value cannot be moved to another cookie.
 * Keys are listed newest first: the first signs, every one verifies (rotation).
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { safeEqual } from "../lib/bytes.js";
import { MAX_COOKIE_BYTES } from "../lib/cookie.js";

/** A secret key: at least 32 bytes (a string of at least 32 characters, or bytes). */
export type SecretKey = string | Uint8Array;

interface DerivedKey {
  sign: Buffer;
  encrypt: Buffer;
}

/**
 * What a cookie carries: the data, issue and expiry times in whole seconds since the epoch, and the
 * session's random id (what a logout revokes; absent in cookies made before ids were added).
 */
export interface Payload {
  data: Record<string, unknown>;
  issuedAt: number;
  expiresAt: number;
  sid?: string | undefined;
}

/** Derives independent signing and encryption keys from each secret (HKDF-SHA256). Throws on weak secrets. */
export function deriveKeys(keys: readonly SecretKey[]): DerivedKey[] {
  if (!Array.isArray(keys) || keys.length === 0) throw new TypeError("sessions need keys: pass keys: [secret] with a random secret of at least 32 bytes (newest first)");
  return keys.map((key, index) => {
    if (typeof key !== "string" && !(key instanceof Uint8Array)) {
      const what = key === undefined ? "undefined" : key === null ? "null" : `a ${typeof key}`;
      throw new TypeError(`session key #${index} is ${what}: pass a secret string or bytes of at least 32 random bytes. Is the environment variable it comes from (e.g. SESSION_KEY) set? openssl rand -base64 32 makes one`);
    }
    const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : Buffer.from(key);
    if (bytes.byteLength < 32) throw new TypeError(`session key #${index} has ${bytes.byteLength} bytes; use at least 32 random bytes (e.g. openssl rand -base64 32)`);
    return {
      sign: Buffer.from(hkdfSync("sha256", bytes, "tsgi.session", "sign", 32)),
      encrypt: Buffer.from(hkdfSync("sha256", bytes, "tsgi.session", "encrypt", 32)),
    };
  });
}

function mac(key: Buffer, name: string, body: string): string {
  return createHmac("sha256", key).update(name).update("\0").update(body).digest("base64url");
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Encodes a payload as a cookie value with the newest key. */
export function encodeCookie(keys: DerivedKey[], name: string, payload: Payload, encrypt: boolean): string {
  const json = JSON.stringify({ d: payload.data, iat: payload.issuedAt, exp: payload.expiresAt, sid: payload.sid });
  const key = keys[0] as DerivedKey;
  if (!encrypt) {
    const body = "s1." + Buffer.from(json, "utf8").toString("base64url");
    return body + "." + mac(key.sign, name, body);
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.encrypt, iv);
  cipher.setAAD(Buffer.from("e1\0" + name, "utf8"));
  const sealed = Buffer.concat([iv, cipher.update(json, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return "e1." + sealed.toString("base64url");
}

function open(keys: DerivedKey[], name: string, value: string): string | undefined {
  if (value.startsWith("s1.")) {
    const dot = value.lastIndexOf(".");
    if (dot <= 3) return undefined;
    const body = value.slice(0, dot);
    const signature = value.slice(dot + 1);
    const encoded = body.slice(3);
    if (!BASE64URL.test(encoded) || !BASE64URL.test(signature)) return undefined;
    // Every key is tried, in full, so the time taken does not reveal which key matched.
    let valid = false;
    for (const key of keys) if (safeEqual(mac(key.sign, name, body), signature)) valid = true;
    return valid ? Buffer.from(encoded, "base64url").toString("utf8") : undefined;
  }
  if (value.startsWith("e1.")) {
    const encoded = value.slice(3);
    if (!BASE64URL.test(encoded)) return undefined;
    const sealed = Buffer.from(encoded, "base64url");
    if (sealed.byteLength < 12 + 16 + 2) return undefined;
    for (const key of keys) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key.encrypt, sealed.subarray(0, 12));
        decipher.setAAD(Buffer.from("e1\0" + name, "utf8"));
        decipher.setAuthTag(sealed.subarray(sealed.byteLength - 16));
        return Buffer.concat([decipher.update(sealed.subarray(12, sealed.byteLength - 16)), decipher.final()]).toString("utf8");
      } catch {
        // wrong key or tampered: try the next key
      }
    }
  }
  return undefined;
}

/**
 * Decodes and checks a cookie value: authentic under one of the keys, not expired, not issued in the
 * future (beyond `skewSeconds`). Anything else (tampered, truncated, empty, oversized) is undefined;
 * this never throws.
 */
export function decodeCookie(keys: DerivedKey[], name: string, value: string, nowSeconds: number, skewSeconds: number): Payload | undefined {
  if (value === "" || value.length > MAX_COOKIE_BYTES) return undefined;
  const json = open(keys, name, value);
  if (json === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { d, iat, exp, sid } = parsed as { d?: unknown; iat?: unknown; exp?: unknown; sid?: unknown };
  if (typeof d !== "object" || d === null || Array.isArray(d)) return undefined;
  if (typeof iat !== "number" || typeof exp !== "number" || !Number.isFinite(iat) || !Number.isFinite(exp)) return undefined;
  if (exp <= nowSeconds || iat > nowSeconds + skewSeconds || exp < iat) return undefined;
  if (sid !== undefined && (typeof sid !== "string" || !/^[A-Za-z0-9_-]{22,43}$/.test(sid))) return undefined;
  return { data: d as Record<string, unknown>, issuedAt: iat, expiresAt: exp, sid };
}
