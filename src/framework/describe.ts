/**
 * What an app knows about itself, for tools that read it (the OpenAPI generator): its routes and
 * mounts, and hooks called as more are registered.
 * @module
 */
import type { App } from "../contract.js";
import type { Context } from "./context.js";
import type { ContextHost } from "./context.js";
import type { Input, RouteOptions } from "./types.js";
import type { Validation } from "./validate.js";

/** @internal A registered route as the app keeps it (also what the OpenAPI generator reads). */
export interface Route extends ContextHost {
  method: string;
  pattern: string;
  name: string | undefined;
  options: RouteOptions;
  handler: (ctx: Context<Input>) => unknown;
  validation: Validation | null;
  /** The route wrapped in its middleware, or null when it has none. */
  wrapped: App | null;
  /** Errors are problem+json whatever the Accept. */
  json: boolean;
}

/** @internal A mount as the app keeps it. */
export interface Mount {
  prefix: string;
  below: string;
  /** What requests go to: the mounted app inside its middleware. */
  app: App;
  /** The mounted app itself. */
  target: App;
  name: string | undefined;
}

/** @internal Reads an app's routes and mounts (for the OpenAPI generator). */
export const DESCRIBE: unique symbol = Symbol("tsgi.framework.describe");

/** @internal What {@link DESCRIBE} returns. */
export interface AppDescription {
  routes: readonly Route[];
  mounts: readonly Mount[];
  /** Called with each route registered from now on (and at once with every existing one). */
  watch(check: (route: Route) => void): void;
  /** Called with each mount registered from now on (and at once with every existing one). */
  watchMounts(check: (mount: Mount) => void): void;
}

