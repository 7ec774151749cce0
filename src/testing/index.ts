/**
 * `tsgi/testing`: test apps with no socket. Every request goes through `lint()`.
 * @module
 */
export { buildEnv, request, TestClient, TestReply, type TestRequestInit } from "./client.js";
export { memorySink } from "../gateway/log.js";
