/** The lint middleware: checks the env going in and the reply coming out, rule by rule. @module */
import type { BodyChunk, Env, LogSink, Middleware, Reply, ReplyBody } from "../contract.js";
import { ENV_RULES, GATEWAY_RULES } from "./env-rules.js";
import { BODY_RULES, ERRORS_RULES, INPUT_RULES, REPLY_RULES, type InputUse } from "./reply-rules.js";
import type { Rule } from "./rule.js";

/** Which side broke the contract. */
export type Culprit = "server" | "app";

/** A contract violation: names the rule, the side at fault and the fix. Never exposed to clients. */
export class LintError extends Error {
  readonly status = 500;
  readonly expose = false;
  constructor(readonly rule: string, readonly culprit: Culprit, detail: string) {
    super(`tsgi lint [${rule}] (${culprit}): ${detail}`);
    this.name = "LintError";
  }
}

function enforce<S>(rules: Array<Rule<S>>, subject: S, culprit: Culprit): void {
  for (const rule of rules) {
    const problem = rule.check(subject);
    if (problem !== undefined) throw new LintError(rule.id, culprit, problem);
  }
}

/** Checks an env against every env and gateway rule; throws a {@link LintError} for the first one broken. */
export function checkEnv(env: Env): void {
  const record = env as unknown as Record<string, unknown>;
  enforce(ENV_RULES, record, "server");
  enforce(GATEWAY_RULES, record, "server");
}

/** Checks a reply (not its streamed chunks) for a request method; throws a {@link LintError}. */
export function checkReply(reply: unknown, method = "GET"): asserts reply is Reply {
  enforce(REPLY_RULES, { reply: reply as Record<string, unknown>, method }, "app");
}

function lintedInput(env: Env): AsyncIterable<Uint8Array> {
  const source = env["tsgi.input"];
  const length = env.CONTENT_LENGTH;
  const use: InputUse = { reads: 0, total: 0 };
  if (length !== undefined && length !== "") use.declared = Number(length);
  return {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      use.reads++;
      enforce(INPUT_RULES.slice(0, 1), use, "app");
      const iterator = source[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          const result = await iterator.next();
          if (result.done === true) {
            use.ended = true;
          } else {
            use.chunk = result.value;
            use.total = (use.total ?? 0) + (result.value instanceof Uint8Array ? result.value.byteLength : 0);
          }
          enforce(INPUT_RULES.slice(1), use, "server");
          return result;
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

function lintedErrors(sink: LogSink): LogSink {
  return {
    write(message: string): void {
      enforce(ERRORS_RULES, message as unknown, "app");
      sink.write(message);
    },
  };
}

async function* lintedBody(body: Iterable<BodyChunk> | AsyncIterable<BodyChunk>): AsyncGenerator<BodyChunk> {
  for await (const chunk of body) {
    enforce(BODY_RULES, chunk as unknown, "app");
    yield chunk;
  }
}

function lintReplyBody(body: ReplyBody): ReplyBody {
  if (typeof body !== "object" || body === null || body instanceof Uint8Array) return body;
  return lintedBody(body);
}

/**
 * A middleware that checks both sides of the contract: the env the server (or an outer middleware)
 * built, and the reply the wrapped app returns, including every streamed chunk, reads of `tsgi.input`
 * and writes to `tsgi.errors`. A violation throws a {@link LintError} naming the rule and the fix.
 * Use it in tests and while developing a server or middleware.
 *
 * @example
 * ```ts
 * const checked = lint()(app);
 * await checked(env); // throws "tsgi lint [env.content-length] (server): CONTENT_LENGTH must be a decimal string; got 12.5"
 * ```
 */
export function lint(): Middleware {
  return (app) => async (env) => {
    checkEnv(env);
    env["tsgi.input"] = lintedInput(env);
    env["tsgi.errors"] = lintedErrors(env["tsgi.errors"]);
    const method = env.REQUEST_METHOD;
    const reply: unknown = await app(env);
    checkReply(reply, method);
    return reply.body === undefined ? reply : { status: reply.status, headers: reply.headers, body: lintReplyBody(reply.body) };
  };
}

/** Every rule the lint enforces, in spec order; `docs/spec.md` is generated from this list. */
export const RULES: ReadonlyArray<Rule<never>> = [
  ...ENV_RULES, ...GATEWAY_RULES, ...INPUT_RULES, ...ERRORS_RULES, ...REPLY_RULES, ...BODY_RULES,
] as ReadonlyArray<Rule<never>>;
