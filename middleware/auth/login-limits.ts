/** How formLogin throttles password guessing, per username and per client address. @module */
import type { Env, Reply } from "tsgi";
import { clientAddress, rateLimiter, tooManyRequests, unavailable, type Limiter } from "../rate-limit.js";
import { memoryRateStore } from "../rate-limit/memory-store.js";
import type { RateDecision, RateStore } from "../rate-limit/store.js";

/** One limit: `limit` attempts per `windowMs`. */
export interface AttemptLimit {
  limit: number;
  windowMs: number;
}

/**
 * How `formLogin` throttles guessing: every POST to the login path counts against the username (case-
 * and width-insensitive) and the client address (`clientAddress`: IPv6 by /64); over either limit the
 * form gets 429 with `Retry-After` and the password is not even checked. A successful login clears its
 * username's count (not the address's).
 */
export interface LoginLimits {
  /** Default 10 attempts per 15 minutes. `false`: no per-username limit. */
  perUser?: AttemptLimit | false;
  /** Default 50 attempts per 15 minutes. `false`: no per-address limit. */
  perAddress?: AttemptLimit | false;
  /**
   * Where attempts are counted. Default one `memoryRateStore()` per `formLogin`: one process. Behind a
   * pool, CGI or several machines pass a shared store (`redisRateStore()`), or the limits multiply.
   */
  store?: RateStore;
  /** When the store fails: let attempts through (true) or answer 503 (false, the default). */
  failOpen?: boolean;
}

const FIFTEEN_MINUTES = 15 * 60_000;

/** Counts a login attempt (a 429 or 503 reply when refused); `succeeded` clears the username's count. */
export function loginThrottle(limits: LoginLimits | false | undefined): ((env: Env, username: string) => Promise<Reply | undefined>) & { succeeded(username: string): Promise<void> } {
  if (limits === false) return Object.assign(async () => undefined, { succeeded: async () => {} });
  const store = limits?.store ?? memoryRateStore();
  const make = (limit: AttemptLimit | false | undefined, fallback: AttemptLimit, name: string): Limiter | undefined =>
    limit === false ? undefined : rateLimiter({ ...(limit ?? fallback), store, name });
  const perUser = make(limits?.perUser, { limit: 10, windowMs: FIFTEEN_MINUTES }, "login-user");
  const perAddress = make(limits?.perAddress, { limit: 50, windowMs: FIFTEEN_MINUTES }, "login-addr");
  const userKey = (username: string): string => username.normalize("NFKC").toLowerCase();
  const check = async (env: Env, username: string): Promise<Reply | undefined> => {
    let decisions: Array<RateDecision | undefined>;
    try {
      decisions = await Promise.all([perAddress?.hit(clientAddress(env)), username === "" ? undefined : perUser?.hit(userKey(username))]);
    } catch (error) {
      env["tsgi.errors"].write(`tsgi login rate limit store failed: ${error instanceof Error ? error.message : String(error)}`);
      if (limits?.failOpen === true) return undefined;
      return unavailable("logging in is unavailable for a moment");
    }
    const refused = decisions.filter((decision) => decision !== undefined && !decision.allowed) as RateDecision[];
    if (refused.length === 0) return undefined;
    return tooManyRequests(Math.max(...refused.map((decision) => decision.retryAfter)), "too many login attempts");
  };
  return Object.assign(check, { succeeded: async (username: string) => { await perUser?.reset(userKey(username)).catch(() => undefined); } });
}
