/**
 * `tsgi`: the contract and the helpers every app, server and middleware shares.
 *
 * @example
 * ```ts
 * import { stack, type App } from "tsgi";
 * const app: App = () => ({ status: 200, headers: [["content-type", "text/plain"]], body: "hello" });
 * export default stack(myLogger, app);
 * ```
 * @module
 */
export * from "./contract.js";
export { HttpError, errorReply, errorStatus } from "./errors.js";
export { EMPTY_INPUT, RequestInput, readBody, readText, readJson, replyChunks, chunkBytes, isStreamBody, discardBody, type ReadOptions } from "./gateway/body.js";
export { headerEnvKey, addHeader, envKeyHeader, envHeaders } from "./gateway/headers.js";
export { streamSink, memorySink } from "./gateway/log.js";
export { reasonPhrase, statusForbidsBody } from "./gateway/status.js";
export { requestUrl, decodePath } from "./gateway/url-env.js";
export { callApp } from "./gateway/call.js";
export { toService } from "./gateway/service.js";
export { headerProblem, nameProblem, valueProblem } from "./gateway/header-check.js";
export { accessLog, accessFormatter, clfDate, type AccessLogOptions, type AccessLogFormat, type AccessRecord } from "./gateway/access-log.js";
