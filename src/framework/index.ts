/**
 * `tsgi/framework`: routes, decorators, validated input, mounting and URL reversal — and the app it
 * builds is itself a plain tsgi App, so every server and middleware takes it as it is.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { createApp, redirect } from "tsgi/framework";
 *
 * const app = createApp();
 * app.get("/", () => "<h1>Books</h1>");
 * app.get("/books/:isbn", { name: "book" }, (ctx) => ({ isbn: ctx.params.isbn }));
 * app.post("/books", { body: z.object({ isbn: z.string().min(10) }) }, (ctx) =>
 *   redirect(ctx.urlFor("book", { isbn: ctx.body.isbn }), 303));
 * export default app;
 * ```
 * @module
 */
export {
  createApp, type FrameworkApp, type AppOptions, type Handler, type ErrorHook, type NotFoundHook, type ErrorFormat,
  type MountOptions, type ControllerRegistration, type RouteMethod, type RouteSummary, type TrailingSlash, type NoOptions,
} from "./app.js";
export { Context, SITE_ROOT, type RouteInfo, type UrlParams, type UrlQuery } from "./context.js";
export { get, post, put, patch, del, route, controller, type RouteDecorator, type ContextOf, type ControllerOptions, type ControllerTarget } from "./decorators.js";
export { json, html, text, stream, redirect, status, toReply, type ReplyInit } from "./respond.js";
export { raw, escapeHtml, isHtml, Html } from "../html/index.js";
export { openApiDocument, type OpenApiOptions, type Unrepresentable } from "./openapi.js";
export { ValidationError, problemDocument, type InvalidParam } from "./problems.js";
export { UploadedFile, parseMultipart, type MultipartLimits, type FormFields, type FormValue } from "./multipart.js";
export { TrieRouter, type Router, type RouteMatch, type Params } from "./router.js";
export type { RouteOptions, RouteSchemas, Schema, PathParams, Input, InputOf, DefaultInput } from "./types.js";
export { HttpError } from "../errors.js";

import type { Context } from "./context.js";
import type { InputOf, RouteOptions } from "./types.js";

/**
 * The context type of a route, for annotating decorated controller methods.
 *
 * @example
 * ```ts
 * @get("/books/:isbn") show(ctx: RouteContext<"/books/:isbn">) { return ctx.params.isbn; }
 * ```
 */
export type RouteContext<P extends string, O extends RouteOptions = Record<never, never>> = Context<InputOf<P, O>>;
