/** The FastCGI server's env: the env core fed with the request's PARAMS, plus its role. @module */
import type { Env, RequestBody } from "../../contract.js";
import { finishEnv, type EnvBase } from "../../gateway/env-core.js";
import type { LazyAbort } from "../../gateway/lazy-abort.js";
import { ParamEnvBuilder } from "../../gateway/param-env.js";

/** The env maker a FastCGI server shares among its connections (it learns the web server's PARAMS layout). */
export function fastCgiEnvs(): ParamEnvBuilder {
  return new ParamEnvBuilder(["FCGI_ROLE"]);
}

/**
 * Builds the env of a FastCGI request from its PARAMS pairs. Params named like a gateway key (`tsgi.*`)
 * or `FCGI_ROLE` are ignored: the server sets those.
 */
export function buildFastCgiEnv(envs: ParamEnvBuilder, params: Array<[string, string]>, base: EnvBase, input: RequestBody, abort: LazyAbort, role: string): Env {
  return finishEnv(envs.build(base, input, abort, params, [role]), base.scriptName);
}
