/** Rules for the env a server builds (RFC 3875 meta-variables, request headers, gateway keys). @module */
import type { Rule } from "./rule.js";
import { show } from "./rule.js";

type EnvRecord = Record<string, unknown>;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DECIMAL = /^[0-9]+$/;

function stringVar(env: EnvRecord, key: string): string | undefined {
  return typeof env[key] === "string" ? undefined : `${key} must be a string; got ${show(env[key])}`;
}

export const ENV_RULES: Array<Rule<EnvRecord>> = [
  {
    id: "env.object", section: "env",
    spec: "The env MUST be a plain object (not a Map or class instance); an app MAY add keys to it for the apps it calls.",
    check: (env) => typeof env === "object" && env !== null && !Array.isArray(env) && !(env instanceof Map)
      ? undefined : `the env must be a plain object; got ${show(env)}`,
  },
  {
    id: "env.request-method", section: "env",
    spec: "`REQUEST_METHOD` MUST be a non-empty HTTP method token such as `GET` or `POST`, as the client sent it.",
    check: (env) => typeof env.REQUEST_METHOD === "string" && TOKEN.test(env.REQUEST_METHOD)
      ? undefined : `REQUEST_METHOD must be a method token like "GET"; got ${show(env.REQUEST_METHOD)}`,
  },
  {
    id: "env.script-name", section: "env",
    spec: "`SCRIPT_NAME` MUST be a string, the app's mount point: empty, or starting with `/` and not ending with `/`.",
    check: (env) => {
      const value = env.SCRIPT_NAME;
      if (typeof value !== "string") return `SCRIPT_NAME must be a string; got ${show(value)}`;
      if (value !== "" && (!value.startsWith("/") || value.endsWith("/"))) {
        return `SCRIPT_NAME must be "" or start with "/" and not end with "/"; got ${show(value)} (put the trailing slash in PATH_INFO)`;
      }
      return undefined;
    },
  },
  {
    id: "env.path-info", section: "env",
    spec: "`PATH_INFO` MUST be a string, the percent-decoded path below `SCRIPT_NAME`: empty, or starting with `/`.",
    check: (env) => {
      const value = env.PATH_INFO;
      if (typeof value !== "string") return `PATH_INFO must be a string; got ${show(value)}`;
      return value === "" || value.startsWith("/") ? undefined : `PATH_INFO must be "" or start with "/"; got ${show(value)}`;
    },
  },
  {
    id: "env.path-not-empty", section: "env",
    spec: "`SCRIPT_NAME` and `PATH_INFO` MUST NOT both be empty: a request for the root of an app mounted at the root has `PATH_INFO` `/`.",
    check: (env) => env.SCRIPT_NAME === "" && env.PATH_INFO === ""
      ? `SCRIPT_NAME and PATH_INFO are both empty; a request for "/" has PATH_INFO "/"` : undefined,
  },
  {
    id: "env.query-string", section: "env",
    spec: "`QUERY_STRING` MUST be a string: the raw query after `?`, without the `?`, still percent-encoded; empty when the URL has none.",
    check: (env) => {
      const value = env.QUERY_STRING;
      if (typeof value !== "string") return `QUERY_STRING must be a string ("" when there is no query); got ${show(value)}`;
      return value.startsWith("?") ? `QUERY_STRING must not start with "?"; got ${show(value)}` : undefined;
    },
  },
  {
    id: "env.server-name", section: "env",
    spec: "`SERVER_NAME` MUST be a string: the host the request was addressed to.",
    check: (env) => stringVar(env, "SERVER_NAME"),
  },
  {
    id: "env.server-port", section: "env",
    spec: "`SERVER_PORT` MUST be a string of decimal digits (empty only when the server cannot know it).",
    check: (env) => typeof env.SERVER_PORT === "string" && (env.SERVER_PORT === "" || DECIMAL.test(env.SERVER_PORT))
      ? undefined : `SERVER_PORT must be a decimal string like "8080"; got ${show(env.SERVER_PORT)}`,
  },
  {
    id: "env.server-protocol", section: "env",
    spec: "`SERVER_PROTOCOL` MUST be a string such as `HTTP/1.1`, `HTTP/1.0`, `HTTP/2` or `INCLUDED`.",
    check: (env) => stringVar(env, "SERVER_PROTOCOL"),
  },
  {
    id: "env.gateway-interface", section: "env",
    spec: "`GATEWAY_INTERFACE` MUST be `CGI/1.1`.",
    check: (env) => env.GATEWAY_INTERFACE === "CGI/1.1" ? undefined : `GATEWAY_INTERFACE must be "CGI/1.1"; got ${show(env.GATEWAY_INTERFACE)}`,
  },
  {
    id: "env.remote-addr", section: "env",
    spec: "`REMOTE_ADDR` MUST be a string: the client's address (empty only when the server cannot know it). `REMOTE_PORT`, when present, MUST be decimal.",
    check: (env) => {
      if (typeof env.REMOTE_ADDR !== "string") return `REMOTE_ADDR must be a string; got ${show(env.REMOTE_ADDR)}`;
      const port = env.REMOTE_PORT;
      return port === undefined || (typeof port === "string" && DECIMAL.test(port)) ? undefined : `REMOTE_PORT must be a decimal string; got ${show(port)}`;
    },
  },
  {
    id: "env.content-length", section: "env",
    spec: "`CONTENT_LENGTH`, when present, MUST be a string of decimal digits, or empty when the length is unknown; it is absent when the request has no body.",
    check: (env) => {
      const value = env.CONTENT_LENGTH;
      if (value === undefined || value === "") return undefined;
      return typeof value === "string" && DECIMAL.test(value) ? undefined : `CONTENT_LENGTH must be a decimal string; got ${typeof value === "string" ? value : show(value)}`;
    },
  },
  {
    id: "env.content-type", section: "env",
    spec: "`CONTENT_TYPE`, when present, MUST be a string: the request's media type.",
    check: (env) => env.CONTENT_TYPE === undefined || typeof env.CONTENT_TYPE === "string"
      ? undefined : `CONTENT_TYPE must be a string or absent; got ${show(env.CONTENT_TYPE)}`,
  },
  {
    id: "env.https", section: "env",
    spec: "`HTTPS`, when present, MUST be `on` or `off`; it is `on` exactly when `tsgi.url_scheme` is `https`.",
    check: (env) => {
      const value = env.HTTPS;
      if (value === undefined) return undefined;
      if (typeof value !== "string" || !/^(on|off)$/i.test(value)) return `HTTPS must be "on" or "off"; got ${show(value)}`;
      const https = value.toLowerCase() === "on";
      return https === (env["tsgi.url_scheme"] === "https") ? undefined : `HTTPS is ${show(value)} but tsgi.url_scheme is ${show(env["tsgi.url_scheme"])}; make them agree`;
    },
  },
  {
    id: "env.meta-strings", section: "env",
    spec: "Every key without a `.` is a meta-variable and MUST have a string value; keys with a `.` are namespaced (`tsgi.*` for the gateway, `name.*` for extensions).",
    check: (env) => {
      for (const key in env) {
        if (!key.includes(".") && typeof env[key] !== "string" && env[key] !== undefined) return `${key} must be a string (meta-variables are strings; namespace other values, e.g. "myapp.${key.toLowerCase()}"); got ${show(env[key])}`;
      }
      return undefined;
    },
  },
  {
    id: "env.http-headers", section: "env",
    spec: "Each request header appears as `HTTP_` + its name upper-cased with `-` turned into `_`; repeated headers are joined with `, `, `Cookie` with `; `. Header names containing `_` MUST be dropped so that `X-A_B` and `X-A-B` never merge.",
    check: (env) => {
      for (const key in env) {
        if (key.startsWith("HTTP_") && !/^HTTP_[A-Z0-9_!#$%&'*+.^`|~]+$/.test(key)) return `${key} is not a valid header variable: upper-case the header name and turn "-" into "_"`;
      }
      return undefined;
    },
  },
  {
    id: "env.no-http-content", section: "env",
    spec: "`Content-Type` and `Content-Length` MUST appear as `CONTENT_TYPE` and `CONTENT_LENGTH`, never as `HTTP_CONTENT_TYPE` or `HTTP_CONTENT_LENGTH`.",
    check: (env) => "HTTP_CONTENT_TYPE" in env || "HTTP_CONTENT_LENGTH" in env
      ? "use CONTENT_TYPE and CONTENT_LENGTH instead of HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH" : undefined,
  },
  {
    id: "env.httpoxy", section: "env",
    spec: "`HTTP_PROXY` MUST NOT be present: a client's `Proxy` header is dropped (httpoxy, CVE-2016-5385).",
    check: (env) => "HTTP_PROXY" in env ? "drop the Proxy request header: HTTP_PROXY must not reach the app (httpoxy)" : undefined,
  },
];

const isAsyncIterable = (value: unknown): boolean =>
  typeof value === "object" && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";

export const GATEWAY_RULES: Array<Rule<EnvRecord>> = [
  {
    id: "gateway.version", section: "gateway",
    spec: "`tsgi.version` MUST be the array `[1, 0]` (major, minor) of the spec the server implements.",
    check: (env) => {
      const value = env["tsgi.version"];
      return Array.isArray(value) && value.length === 2 && value[0] === 1 && Number.isInteger(value[1]) ? undefined : `tsgi.version must be [1, 0] (use TSGI_VERSION); got ${show(value)}`;
    },
  },
  {
    id: "gateway.url-scheme", section: "gateway",
    spec: "`tsgi.url_scheme` MUST be `http` or `https`: the scheme the client used (after a trusted proxy's say-so, if any).",
    check: (env) => env["tsgi.url_scheme"] === "http" || env["tsgi.url_scheme"] === "https"
      ? undefined : `tsgi.url_scheme must be "http" or "https"; got ${show(env["tsgi.url_scheme"])}`,
  },
  {
    id: "gateway.input", section: "gateway",
    spec: "`tsgi.input` MUST be an async iterable of `Uint8Array` chunks: the request body, readable once, empty when there is no body. A server MUST yield exactly `CONTENT_LENGTH` bytes when it is set, and MUST end the stream (not hang) when the client sends less and goes away.",
    check: (env) => isAsyncIterable(env["tsgi.input"]) ? undefined : `tsgi.input must be an async iterable of Uint8Array (use EMPTY_INPUT when there is no body); got ${show(env["tsgi.input"])}`,
  },
  {
    id: "gateway.errors", section: "gateway",
    spec: "`tsgi.errors` MUST be an object with a `write(message: string)` method: the log sink (stderr for CGI, FCGI_STDERR for FastCGI, the server's log elsewhere).",
    check: (env) => {
      const sink = env["tsgi.errors"] as { write?: unknown } | undefined;
      return typeof sink === "object" && sink !== null && typeof sink.write === "function" ? undefined : `tsgi.errors must be an object with write(message); got ${show(sink)}`;
    },
  },
  {
    id: "gateway.signal", section: "gateway",
    spec: "`tsgi.signal` MUST be an `AbortSignal` that fires when the client goes away, the front server aborts the request, or the server shuts down.",
    check: (env) => env["tsgi.signal"] instanceof AbortSignal ? undefined : `tsgi.signal must be an AbortSignal; got ${show(env["tsgi.signal"])}`,
  },
  {
    id: "gateway.flags", section: "gateway",
    spec: "`tsgi.multithread` (other requests may run concurrently in this process), `tsgi.multiprocess` (several processes may serve the app) and `tsgi.run_once` (the process serves this request only, as CGI) MUST be booleans; `tsgi.development` (the server runs in development mode), when present, too.",
    check: (env) => {
      for (const key of ["tsgi.multithread", "tsgi.multiprocess", "tsgi.run_once"]) {
        if (typeof env[key] !== "boolean") return `${key} must be a boolean; got ${show(env[key])}`;
      }
      const development = env["tsgi.development"];
      if (development !== undefined && typeof development !== "boolean") return `tsgi.development must be a boolean when present; got ${show(development)}`;
      return undefined;
    },
  },
];
