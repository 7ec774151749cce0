/**
 * OpenAPI 3.1 from the registered routes: paths from the patterns, parameters and bodies from the
 * zod schemas (zod 4's own `toJSONSchema`, so the framework still never imports zod), operation ids
 * from route names. Schemas are converted when a route is registered, so one JSON Schema cannot
 * express is refused there, naming the route.
 * @module
 */
import type { App } from "../contract.js";
import { DESCRIBE, type AppDescription, type Mount, type Route } from "./describe.js";
import { compilePattern, type FlatToken } from "./pattern.js";
import type { RouteSchemas, Schema } from "./types.js";

/** What to do with a schema part JSON Schema cannot express (`z.date()`, a transform, `z.instanceof(...)`). */
export type Unrepresentable = "throw" | "any";

/** Options of {@link FrameworkApp.openapi}. */
export interface OpenApiOptions {
  /** Where the document is served (GET, `application/json`). Default `/openapi.json`. */
  path?: string;
  /** The document's `info`: at least a title and a version. */
  info: { title: string; version: string; description?: string; [key: string]: unknown };
  /** The `servers` list. Default: none (clients use the document's own origin). */
  servers?: ReadonlyArray<{ url: string; description?: string }>;
  /** `components.securitySchemes`, e.g. `{ bearer: { type: "http", scheme: "bearer" } }`. */
  securitySchemes?: Record<string, Record<string, unknown>>;
  /** Top-level `security`, e.g. `[{ bearer: [] }]`. */
  security?: ReadonlyArray<Record<string, readonly string[]>>;
  /** `throw` (default): refuse such a schema at registration. `any`: describe it as `{}`. */
  unrepresentable?: Unrepresentable;
}

type JsonSchema = Record<string, unknown>;
type ToJsonSchema = (options: Record<string, unknown>) => JsonSchema;

const PARTS = ["params", "query", "headers", "cookies", "body", "response"] as const;
type Part = (typeof PARTS)[number];
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);
const PROBLEM = { $ref: "#/components/schemas/Problem" };

/** Converts one schema; throws a TypeError naming the route and the part when it cannot. */
export function schemaToJson(schema: Schema, part: Part, where: string, unrepresentable: Unrepresentable): JsonSchema {
  const convert = (schema as unknown as { toJSONSchema?: ToJsonSchema }).toJSONSchema;
  if (typeof convert !== "function") {
    throw new TypeError(`${where}: the ${part} schema has no toJSONSchema(); OpenAPI needs zod 4.1 or newer`);
  }
  try {
    const json = convert.call(schema, { target: "draft-2020-12", io: part === "response" ? "output" : "input", unrepresentable });
    delete json.$schema;
    return json;
  } catch (error) {
    throw new TypeError(
      `${where}: the ${part} schema cannot be described in OpenAPI: ${(error as Error).message}. `
      + "Use a JSON-representable type (z.iso.datetime() for a date, z.string() before a transform in a response), "
      + "or app.openapi({ ..., unrepresentable: \"any\" }) to describe it as any value",
      { cause: error },
    );
  }
}

/** Converts and caches every schema of a route; throws at the first that cannot be described. */
function checkRoute(route: Route, cache: Map<Route, Partial<Record<Part, JsonSchema>>>, unrepresentable: Unrepresentable): void {
  const converted: Partial<Record<Part, JsonSchema>> = {};
  const schemas = route.options as RouteSchemas & { response?: Schema };
  for (const part of PARTS) {
    const schema = schemas[part];
    if (schema !== undefined) converted[part] = schemaToJson(schema, part, `route ${route.method} ${route.pattern}`, unrepresentable);
  }
  cache.set(route, converted);
}

function describe(app: App): AppDescription | undefined {
  const describer = (app as unknown as Record<symbol, unknown>)[DESCRIBE];
  return typeof describer === "function" ? (describer as () => AppDescription)() : undefined;
}

/** Keeps every framework app reachable through mounts checked: existing routes now, later ones as they come. */
export function watchTree(app: App, check: (route: Route) => void): void {
  const description = describe(app);
  if (description === undefined) return;
  description.watch(check);
  description.watchMounts((mount) => watchTree(mount.target, check));
}

function templatePath(tokens: FlatToken[]): string {
  return tokens.map((token) => (token.type === "text" ? token.value : `{${token.name}}`)).join("");
}

function operationBase(route: Route): string {
  if (route.name !== undefined) return route.name;
  const slug = route.pattern.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return `${route.method.toLowerCase()}${slug === "" ? "_root" : `_${slug}`}`;
}

interface Collected {
  route: Route;
  prefix: string;
  namePrefix: string;
}

function collect(app: App, prefix: string, namePrefix: string, out: Collected[], skip: Route | undefined): void {
  const description = describe(app);
  if (description === undefined) return;
  for (const route of description.routes) if (route !== skip) out.push({ route, prefix, namePrefix });
  for (const mount of description.mounts as readonly Mount[]) {
    collect(mount.target, prefix + mount.prefix, mount.name === undefined ? namePrefix : `${namePrefix}${mount.name}:`, out, skip);
  }
}

/**
 * Moves `$defs` and self references into components so every `$ref` resolves from the document root.
 * A zod `.meta({ id })` definition is named by its id in responses and `${id}Input` in requests (the
 * input and output forms of one schema differ, e.g. in defaults and `additionalProperties`).
 */
function place(schema: JsonSchema, name: string, components: Record<string, JsonSchema>, input: boolean): JsonSchema {
  const text = JSON.stringify(schema);
  if (!text.includes('"$ref"')) return schema;
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
  const rest: JsonSchema = { ...schema };
  delete rest.$defs;
  const defName = (key: string): string => (input ? `${key}Input` : key);
  const rename = (json: JsonSchema): JsonSchema => JSON.parse(JSON.stringify(json)
    .replaceAll('"$ref":"#"', `"$ref":"#/components/schemas/${name}"`)
    .replace(/"\$ref":"#\/\$defs\/([^"]+)"/g, (_all, key: string) => `"$ref":"#/components/schemas/${defName(key)}"`)) as JsonSchema;
  for (const [key, def] of Object.entries(defs)) {
    const renamed = rename(def);
    const existing = components[defName(key)];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(renamed)) {
      throw new TypeError(`OpenAPI: two different schemas are both named "${key}" (zod .meta({ id })); give them distinct ids`);
    }
    components[defName(key)] = renamed;
  }
  if (rest.$ref !== undefined && Object.keys(rest).length === 1) return rename(rest);
  components[name] = rename(rest);
  return { $ref: `#/components/schemas/${name}` };
}

function parameters(json: JsonSchema | undefined, location: "path" | "query" | "header" | "cookie", pathNames: Set<string>): Array<Record<string, unknown>> {
  if (json === undefined) return [];
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  const list: Array<Record<string, unknown>> = [];
  for (const [name, schema] of Object.entries(properties)) {
    if (location === "header" && IGNORED_HEADERS.has(name.toLowerCase())) continue;
    if (location === "path" && !pathNames.has(name)) continue;
    const parameter: Record<string, unknown> = { name, in: location, required: location === "path" || required.has(name), schema };
    if (typeof schema.description === "string") parameter.description = schema.description;
    list.push(parameter);
  }
  return list;
}

/**
 * The OpenAPI 3.1 document of an app: its routes and those of the framework apps mounted in it, at
 * their full paths. Optional groups (`{/:page}`) become one path per variant.
 */
export function openApiDocument(app: App, options: OpenApiOptions, skip?: Route): Record<string, unknown> {
  const unrepresentable = options.unrepresentable ?? "throw";
  const collected: Collected[] = [];
  collect(app, "", "", collected, skip);
  const schemas: Record<string, JsonSchema> = {
    Problem: {
      type: "object",
      description: "RFC 9457 problem details",
      properties: {
        type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" }, instance: { type: "string" },
        "invalid-params": { type: "array", items: { type: "object", properties: { in: { type: "string" }, name: { type: "string" }, reason: { type: "string" } }, required: ["in", "name", "reason"] } },
      },
      required: ["type", "title", "status"],
    },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  for (const { route, prefix, namePrefix } of collected) {
    const cache = new Map<Route, Partial<Record<Part, JsonSchema>>>();
    checkRoute(route, cache, unrepresentable);
    const json = cache.get(route) ?? {};
    const variants = compilePattern(route.pattern);
    const base = `${namePrefix}${operationBase(route)}`;
    variants.forEach((variant, index) => {
      let operationId = index === 0 ? base : `${base}_${index + 1}`;
      for (let n = 2; operationIds.has(operationId); n++) operationId = `${base}_${n}`;
      operationIds.add(operationId);
      const componentName = operationId.replace(/[^A-Za-z0-9._-]/g, "_");
      const pathNames = new Set(variant.tokens.filter((token) => token.type !== "text").map((token) => (token as { name: string }).name));
      const declared = parameters(json.params, "path", pathNames);
      const implicit = [...pathNames].filter((name) => !declared.some((parameter) => parameter.name === name))
        .map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
      const operation: Record<string, unknown> = {
        operationId,
        parameters: [...declared, ...implicit, ...parameters(json.query, "query", pathNames), ...parameters(json.headers, "header", pathNames), ...parameters(json.cookies, "cookie", pathNames)],
      };
      const routeOptions = route.options as { summary?: string; tags?: readonly string[] };
      if (routeOptions.summary !== undefined) operation.summary = routeOptions.summary;
      if (routeOptions.tags !== undefined) operation.tags = [...routeOptions.tags];
      if (json.body !== undefined) {
        const schema = place(json.body, `${componentName}_body`, schemas, true);
        operation.requestBody = {
          required: true,
          content: { "application/json": { schema }, "application/x-www-form-urlencoded": { schema }, "multipart/form-data": { schema } },
        };
      }
      const responses: Record<string, unknown> = {};
      responses[route.method === "POST" ? "2XX" : "200"] = json.response === undefined
        ? { description: "Success" }
        : { description: "Success", content: { "application/json": { schema: place(json.response, `${componentName}_response`, schemas, false) } } };
      if (route.validation !== null) responses["400"] = { description: "Invalid input", content: { "application/problem+json": { schema: PROBLEM } } };
      responses.default = { description: "Error", content: { "application/problem+json": { schema: PROBLEM } } };
      operation.responses = responses;
      const path = templatePath([{ type: "text", value: prefix }, ...variant.tokens]) || "/";
      const item = (paths[path] ??= {});
      const method = route.method.toLowerCase();
      if (["get", "put", "post", "delete", "options", "head", "patch", "trace"].includes(method)) item[method] = operation;
    });
  }
  const document: Record<string, unknown> = { openapi: "3.1.0", info: { ...options.info } };
  if (options.servers !== undefined) document.servers = options.servers.map((server) => ({ ...server }));
  document.paths = paths;
  const components: Record<string, unknown> = { schemas };
  if (options.securitySchemes !== undefined) components.securitySchemes = options.securitySchemes;
  document.components = components;
  if (options.security !== undefined) document.security = options.security.map((item) => ({ ...item }));
  return document;
}

/** Checks the options of `app.openapi`; throws naming the fix. */
export function checkOpenApiOptions(options: OpenApiOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError('app.openapi(options): pass { info: { title: "My API", version: "1.0.0" } }');
  const info = options.info as Partial<OpenApiOptions["info"]> | undefined;
  if (typeof info?.title !== "string" || typeof info.version !== "string") {
    throw new TypeError('app.openapi: info needs a title and a version, e.g. { info: { title: "Bookshop", version: "1.0.0" } }');
  }
  if (options.unrepresentable !== undefined && options.unrepresentable !== "throw" && options.unrepresentable !== "any") {
    throw new TypeError(`app.openapi: unrepresentable must be "throw" or "any", not ${JSON.stringify(options.unrepresentable)}`);
  }
}

/** Registers the checks: every route of the app and of its mounted framework apps, now and later. */
export function watchSchemas(app: App, options: OpenApiOptions): void {
  const unrepresentable = options.unrepresentable ?? "throw";
  const cache = new Map<Route, Partial<Record<Part, JsonSchema>>>();
  watchTree(app, (route) => checkRoute(route, cache, unrepresentable));
}
