/**
 * `tsgi/testing`: test apps with no socket. Every request goes through `lint()`. The client can
 * keep cookies, follow redirects and submit a page's form with its CSRF token.
 * @module
 */
export { buildEnv, request, TestClient, TestReply, type TestRequestInit, type TestClientSettings, type SubmitFormOptions } from "./client.js";
export { CookieJar } from "./cookie-jar.js";
export { formsIn, type PageForm } from "./forms.js";
export { memorySink } from "../gateway/log.js";
