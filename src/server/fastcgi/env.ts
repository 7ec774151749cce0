/** The FastCGI server's env: the env core fed with the request's PARAMS, plus its role. @module */
import type { Env, RequestBody } from "../../contract.js";
import { copyParams, createEnv, finishEnv, type EnvBase } from "../../gateway/env-core.js";
import type { LazyAbort } from "../../gateway/lazy-abort.js";

/**
 * Builds the env of a FastCGI request from its PARAMS pairs. Params named like a gateway key (`tsgi.*`)
 * or `FCGI_ROLE` are ignored: the server sets those.
 */
export function buildFastCgiEnv(params: Array<[string, string]>, base: EnvBase, input: RequestBody, abort: LazyAbort, role: string): Env {
  const env = createEnv(base, input, abort);
  env.FCGI_ROLE = role;
  copyParams(env, params);
  return finishEnv(env, base.scriptName);
}
