/**
 * `tsgi/middleware/password`: password hashing with scrypt from node:crypto, stored as a self-describing
 * PHC-style string `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` so the cost can rise later without breaking
 * old hashes ({@link needsRehash}).
 *
 * The default cost is OWASP's scrypt recommendation (N=2^17, r=8, p=1: 128 MiB, about half a second
 * here), run on libuv's thread pool so the event loop keeps serving. At most half of that pool hashes at
 * once ({@link configureHashing}), so file reads and DNS lookups, which need the same threads, keep moving
 * while many logins arrive, and hashing memory stays bounded.
 *
 * @example
 * ```ts
 * import { hashPassword, verifyPassword } from "tsgi/middleware/password";
 * const stored = await hashPassword("correct horse");
 * await verifyPassword("correct horse", stored); // true
 * ```
 * @module
 */
import { randomBytes, scrypt, type ScryptOptions } from "node:crypto";
import { HttpError } from "tsgi";
import { safeEqual } from "./lib/bytes.js";

/** scrypt cost: N = 2^logN, block size r, parallelism p. */
export interface ScryptCost {
  logN: number;
  r: number;
  p: number;
}

/** OWASP's recommended minimum for scrypt (Password Storage Cheat Sheet). */
export const DEFAULT_COST: ScryptCost = Object.freeze({ logN: 17, r: 8, p: 1 });

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const PATTERN = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,64})\$([A-Za-z0-9+/]{16,128})$/;

function checkCost(cost: ScryptCost): void {
  if (!Number.isInteger(cost.logN) || cost.logN < 10 || cost.logN > 22) throw new RangeError(`scrypt logN must be an integer from 10 to 22; got ${cost.logN}`);
  if (!Number.isInteger(cost.r) || cost.r < 1 || cost.r > 32) throw new RangeError(`scrypt r must be an integer from 1 to 32; got ${cost.r}`);
  if (!Number.isInteger(cost.p) || cost.p < 1 || cost.p > 16) throw new RangeError(`scrypt p must be an integer from 1 to 16; got ${cost.p}`);
}

/** How much hashing may run at once; {@link configureHashing} changes it. */
export interface HashingLimits {
  /** scrypt computations at once. Default half of libuv's thread pool (`UV_THREADPOOL_SIZE`, 4): 2. */
  concurrency: number;
  /** Hashes waiting for a turn; beyond it `verifyPassword` and `hashPassword` reject with a 503 HttpError. Default 64. */
  maxQueue: number;
}

// The thread pool is one per process, so this limit is too (it holds no request state).
const limits: HashingLimits = { concurrency: Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2)), maxQueue: 64 };
let running = 0;
const waiting: Array<() => void> = [];

/**
 * Sets how many scrypt computations run at once in this process and how many may wait. Raise
 * `UV_THREADPOOL_SIZE` (before Node starts) together with `concurrency` to hash more at once.
 *
 * @example
 * ```ts
 * configureHashing({ concurrency: 4, maxQueue: 256 }); // with UV_THREADPOOL_SIZE=8
 * ```
 */
export function configureHashing(changes: Partial<HashingLimits>): HashingLimits {
  const next = { ...limits, ...changes };
  if (!Number.isInteger(next.concurrency) || next.concurrency < 1) throw new RangeError(`hashing concurrency must be a positive integer; got ${String(next.concurrency)}`);
  if (!Number.isInteger(next.maxQueue) || next.maxQueue < 0) throw new RangeError(`hashing maxQueue must be a whole number; got ${String(next.maxQueue)}`);
  Object.assign(limits, next);
  while (running < limits.concurrency && waiting.length > 0) {
    running++;
    (waiting.shift() as () => void)();
  }
  return { ...limits };
}

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running < limits.concurrency) running++;
  else if (waiting.length >= limits.maxQueue) throw new HttpError(503, "too many password checks at once; try again shortly", { expose: true, headers: [["retry-after", "2"]] });
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over by release
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next !== undefined) next();
    else running--;
  }
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return inTurn(() => deriveNow(password, salt, cost));
}

function deriveNow(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  // Node refuses more than 32 MiB by default; scrypt needs about 128 * N * r * p bytes.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 128 * N * cost.r * cost.p + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const b64 = (bytes: Buffer): string => bytes.toString("base64").replace(/=+$/, "");

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  if (typeof password !== "string") throw new TypeError("hashPassword takes the password as a string");
  checkCost(cost);
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost);
  return `$scrypt$ln=${cost.logN},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** Reads the cost out of an encoded hash, or undefined when it is not one of ours. */
export function hashCost(encoded: string): ScryptCost | undefined {
  const match = PATTERN.exec(encoded);
  if (match === null) return undefined;
  const cost = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  try {
    checkCost(cost);
  } catch {
    return undefined;
  }
  return cost;
}

/**
 * True when `password` matches the encoded hash (constant-time comparison). A malformed hash, or one
 * with an out-of-range cost, is false, never an exception.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (typeof password !== "string" || typeof encoded !== "string") return false;
  const match = PATTERN.exec(encoded);
  const cost = hashCost(encoded);
  if (match === null || cost === undefined) return false;
  const expected = Buffer.from(match[5] as string, "base64");
  const key = await derive(password, Buffer.from(match[4] as string, "base64"), cost);
  return expected.byteLength === KEY_LENGTH && safeEqual(key, expected);
}

/** True when the hash was made with a different cost than `cost`: hash the password again after a login. */
export function needsRehash(encoded: string, cost: ScryptCost = DEFAULT_COST): boolean {
  const current = hashCost(encoded);
  return current === undefined || current.logN !== cost.logN || current.r !== cost.r || current.p !== cost.p;
}

/** What {@link passwordAuthenticator} needs to find a user. */
export interface PasswordRecord<U> {
  user: U;
  /** The user's encoded hash from {@link hashPassword}. */
  hash: string;
}

/**
 * Builds a `(username, password) → user | undefined` check for form login or Basic auth. An unknown
 * user is checked against a dummy hash of the same cost, so it takes as long as a wrong password: the
 * response time does not reveal which usernames exist.
 *
 * @example
 * ```ts
 * const authenticate = passwordAuthenticator((name) => db.findUser(name));
 * const user = await authenticate("ada", "pw"); // User | undefined
 * ```
 */
export function passwordAuthenticator<U>(
  find: (username: string) => PasswordRecord<U> | undefined | Promise<PasswordRecord<U> | undefined>,
  cost: ScryptCost = DEFAULT_COST,
): (username: string, password: string) => Promise<U | undefined> {
  let dummy: Promise<string> | undefined;
  return async (username, password) => {
    const record = await find(username);
    if (record === undefined) {
      dummy ??= hashPassword(randomBytes(16).toString("hex"), cost);
      await verifyPassword(password, await dummy);
      return undefined;
    }
    return (await verifyPassword(password, record.hash)) ? record.user : undefined;
  };
}
