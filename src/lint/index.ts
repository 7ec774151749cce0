/**
 * `tsgi/lint`: the contract checker. See {@link lint}.
 * @module
 */
export { lint, checkEnv, checkReply, LintError, RULES, type Culprit } from "./lint.js";
export type { Rule, RuleSection } from "./rule.js";
