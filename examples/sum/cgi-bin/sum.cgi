#!/usr/bin/env node
// sum.cgi: examples/sum/app.ts as a CGI script, bundled by tsgi bundle. Do not edit; rebuild it.

// src/gateway/status.ts
var PHRASES = {
  100: "Continue",
  101: "Switching Protocols",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  507: "Insufficient Storage",
  511: "Network Authentication Required"
};
function reasonPhrase(status) {
  return PHRASES[status] ?? (status < 200 ? "Informational" : status < 300 ? "Success" : status < 400 ? "Redirection" : status < 500 ? "Client Error" : "Server Error");
}
function statusForbidsBody(status) {
  return status < 200 || status === 204 || status === 304;
}

// src/errors.ts
var HttpError = class extends Error {
  status;
  expose;
  headers;
  constructor(status, message, options = {}) {
    super(message ?? reasonPhrase(status), options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers ?? [];
  }
};
function errorStatus(error) {
  if (typeof error !== "object" || error === null) return 500;
  const carrier = error;
  const status = typeof carrier.status === "number" ? carrier.status : carrier.statusCode;
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}
function errorReply(error, development = false) {
  const status = errorStatus(error);
  const carrier = typeof error === "object" && error !== null ? error : {};
  const expose = carrier.expose === true;
  let text2 = expose && typeof carrier.message === "string" ? carrier.message : reasonPhrase(status);
  if (development) text2 = typeof carrier.stack === "string" ? carrier.stack : String(error);
  const headers = [["content-type", "text/plain; charset=utf-8"]];
  if (Array.isArray(carrier.headers)) {
    for (const pair of carrier.headers) {
      if (Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") headers.push([pair[0], pair[1]]);
    }
  }
  return { status, headers, body: text2 + "\n" };
}

// src/gateway/body.ts
var encoder = new TextEncoder();
var EMPTY_INPUT = Object.freeze({
  async *[Symbol.asyncIterator]() {
  }
});
var RequestInput = class {
  #source;
  constructor(source) {
    this.#source = source;
  }
  /** True once a reader has started iterating. */
  get consumed() {
    return this.#source === null;
  }
  [Symbol.asyncIterator]() {
    const source = this.#source;
    if (source === null) {
      throw new Error("tsgi.input was already read; read it once with readBody(env) and pass the bytes on, or buffer it in a middleware");
    }
    this.#source = null;
    return source[Symbol.asyncIterator]();
  }
};
async function readBody(env, options = {}) {
  const limit = options.limit ?? 1024 * 1024;
  const declared = env.CONTENT_LENGTH ? Number(env.CONTENT_LENGTH) : NaN;
  if (declared > limit) throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  const chunks = [];
  let size = 0;
  for await (const chunk of env["tsgi.input"]) {
    size += chunk.byteLength;
    if (size > limit) throw new HttpError(413, `request body exceeds the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
async function readText(env, options) {
  return new TextDecoder().decode(await readBody(env, options));
}
function chunkBytes(chunk) {
  return typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}
function isStreamBody(body) {
  return typeof body === "object" && body !== null && !(body instanceof Uint8Array);
}
async function* replyChunks(body) {
  if (body === null || body === void 0) return;
  if (!isStreamBody(body)) {
    const bytes = chunkBytes(body);
    if (bytes.byteLength > 0) yield bytes;
    return;
  }
  for await (const chunk of body) {
    const bytes = chunkBytes(chunk);
    if (bytes.byteLength > 0) yield bytes;
  }
}
async function discardBody(body) {
  if (!isStreamBody(body) || typeof body === "string") return;
  const iterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]();
  await iterator.return?.();
}

// src/gateway/call.ts
function isReply(value) {
  return typeof value === "object" && value !== null && Number.isInteger(value.status) && Array.isArray(value.headers);
}
async function callApp(app2, env, development = false) {
  let error;
  try {
    const reply = await app2(env);
    if (isReply(reply)) return reply;
    error = new TypeError(`the app returned ${reply === null ? "null" : typeof reply} instead of a reply {status, headers, body}`);
  } catch (thrown) {
    error = thrown;
  }
  if (errorStatus(error) >= 500) {
    const stack = error instanceof Error ? error.stack ?? error.message : String(error);
    env["tsgi.errors"].write(`tsgi: ${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO}: ${stack}`);
  }
  return errorReply(error, development);
}

// src/gateway/log.ts
function streamSink(stream = process.stderr) {
  return {
    write(message) {
      stream.write(message.endsWith("\n") ? message : message + "\n");
    }
  };
}

// src/contract.ts
var TSGI_VERSION = Object.freeze([1, 0]);
var FACTORY = /* @__PURE__ */ Symbol.for("tsgi.factory");
function isFactory(value) {
  return typeof value === "function" && value[FACTORY] === true;
}
function isService(value) {
  return typeof value === "object" && value !== null && typeof value.app === "function";
}

// src/gateway/url-env.ts
function decodePath(path) {
  if (!path.includes("%")) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

// src/gateway/params.ts
function isDroppedParam(name) {
  const c = name.charCodeAt(0);
  if (c === 116) return name.startsWith("tsgi.");
  return c === 72 && (name === "HTTP_PROXY" || name === "HTTP_CONTENT_TYPE" || name === "HTTP_CONTENT_LENGTH");
}
function applyScriptName(env, scriptName) {
  const mount = scriptName.endsWith("/") ? scriptName.slice(0, -1) : scriptName;
  let full = env.SCRIPT_NAME + env.PATH_INFO;
  const uri = env.REQUEST_URI;
  if (typeof uri === "string" && uri.startsWith("/")) {
    const q = uri.indexOf("?");
    full = decodePath(q === -1 ? uri : uri.slice(0, q));
  }
  if (mount === "") {
    env.SCRIPT_NAME = "";
    env.PATH_INFO = full;
  } else if (full === mount || full.startsWith(mount + "/")) {
    env.SCRIPT_NAME = mount;
    env.PATH_INFO = full.slice(mount.length);
  }
}
function envFromParams(params2, gateway) {
  const env = {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "",
    QUERY_STRING: "",
    SERVER_NAME: "",
    SERVER_PORT: "",
    SERVER_PROTOCOL: "HTTP/1.0",
    GATEWAY_INTERFACE: "CGI/1.1",
    REMOTE_ADDR: ""
  };
  const entries = Symbol.iterator in params2 ? params2 : Object.entries(params2);
  for (const [name, value] of entries) {
    if (typeof value !== "string" || isDroppedParam(name)) continue;
    env[name] = value;
  }
  if (env.SCRIPT_NAME === "/") env.SCRIPT_NAME = "";
  if (env.SERVER_NAME === "" && typeof env.HTTP_HOST === "string") {
    const host = env.HTTP_HOST;
    const colon = host.startsWith("[") ? host.indexOf(":", host.indexOf("]")) : host.indexOf(":");
    env.SERVER_NAME = colon === -1 ? host : host.slice(0, colon);
  }
  if (gateway.scriptName !== void 0) applyScriptName(env, gateway.scriptName);
  const https = typeof env.HTTPS === "string" && env.HTTPS.toLowerCase() === "on";
  env["tsgi.version"] = TSGI_VERSION;
  env["tsgi.url_scheme"] = https ? "https" : "http";
  env["tsgi.input"] = gateway.input;
  env["tsgi.errors"] = gateway.errors;
  env["tsgi.signal"] = gateway.signal;
  env["tsgi.multithread"] = gateway.multithread;
  env["tsgi.multiprocess"] = gateway.multiprocess;
  env["tsgi.run_once"] = gateway.runOnce;
  return env;
}

// src/gateway/service.ts
async function toService(value, options = {}) {
  const name = options.name ?? "the export";
  let resolved = value;
  if (isFactory(resolved) || options.callFactory === true && typeof resolved === "function") {
    resolved = await resolved();
  }
  if (isService(resolved)) return resolved;
  if (typeof resolved === "function") return { app: resolved };
  throw new TypeError(`${name} is ${resolved === null ? "null" : typeof resolved}; export an app (env) => reply, a { app, startup, shutdown } object, or a factory() returning one`);
}

// src/server/cgi/fd-sink.ts
var import_node_fs = require("node:fs");
var FdSink = class {
  constructor(fd = 1) {
    this.fd = fd;
  }
  fd;
  #stream;
  #errorListeners = /* @__PURE__ */ new Set();
  #failed = false;
  /** True once writes go through `process.stdout` (then flush it before exiting). */
  get usedStream() {
    return this.#stream !== void 0;
  }
  write(chunk) {
    if (this.#stream !== void 0) return this.#stream.write(chunk);
    if (this.#failed) return true;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let offset = 0;
    while (offset < bytes.byteLength) {
      try {
        offset += (0, import_node_fs.writeSync)(this.fd, bytes, offset, bytes.byteLength - offset);
      } catch (error) {
        if (error.code === "EAGAIN") {
          this.#stream = process.stdout;
          for (const listener of this.#errorListeners) this.#stream.once("error", listener);
          return this.#stream.write(bytes.subarray(offset));
        }
        this.#failed = true;
        for (const listener of this.#errorListeners) listener(error);
        this.#errorListeners.clear();
        return true;
      }
    }
    return true;
  }
  once(event, listener) {
    if (this.#stream !== void 0) this.#stream.once(event, listener);
    else if (event === "error") this.#errorListeners.add(listener);
    return this;
  }
  off(event, listener) {
    this.#stream?.off(event, listener);
    if (event === "error") this.#errorListeners.delete(listener);
    return this;
  }
};

// src/server/cgi/input.ts
async function* exactBody(source, length) {
  let remaining = length;
  const iterable = typeof source.iterator === "function" ? source.iterator({ destroyOnReturn: false }) : source;
  for await (const chunk of iterable) {
    if (chunk.byteLength >= remaining) {
      yield remaining === chunk.byteLength ? chunk : chunk.subarray(0, remaining);
      remaining = 0;
      break;
    }
    remaining -= chunk.byteLength;
    yield chunk;
  }
  source.pause?.();
  if (remaining > 0) throw new HttpError(400, `the request body ended after ${length - remaining} of ${length} bytes (CONTENT_LENGTH)`);
}

// src/gateway/cgi-head.ts
var UNSAFE = /[\r\n\0]/;
var TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
function cgiHead(status, headers) {
  let head = `Status: ${status} ${reasonPhrase(status)}\r
`;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i];
    if (!TOKEN.test(name) || UNSAFE.test(value)) {
      throw new Error(`reply header ${JSON.stringify(name)} is not a valid field: names must be tokens and values must not contain CR, LF or NUL`);
    }
    head += name + ": " + value + "\r\n";
  }
  return head + "\r\n";
}

// src/server/cgi/output.ts
var encoder2 = new TextEncoder();
function hasHeader(reply, lower) {
  for (const [name] of reply.headers) if (name.length === lower.length && name.toLowerCase() === lower) return true;
  return false;
}
function drained(out, signal) {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      out.off("error", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    out.once("drain", done);
    out.once("close", done);
    out.once("error", done);
    signal.addEventListener("abort", done, { once: true });
  });
}
function join(head, body) {
  const headBytes = encoder2.encode(head);
  const out = new Uint8Array(headBytes.byteLength + body.byteLength);
  out.set(headBytes, 0);
  out.set(body, headBytes.byteLength);
  return out;
}
async function writeCgiReply(out, reply, method, signal) {
  const noBody = method === "HEAD" || statusForbidsBody(reply.status);
  const body = reply.body;
  if (!isStreamBody(body)) {
    const bytes = body === null || body === void 0 ? void 0 : typeof body === "string" ? encoder2.encode(body) : body;
    const headers = bytes !== void 0 && !statusForbidsBody(reply.status) && !hasHeader(reply, "content-length") ? [...reply.headers, ["content-length", String(bytes.byteLength)]] : reply.headers;
    const head2 = cgiHead(reply.status, headers);
    out.write(noBody || bytes === void 0 || bytes.byteLength === 0 ? head2 : join(head2, bytes));
    return;
  }
  const head = cgiHead(reply.status, reply.headers);
  if (noBody) {
    out.write(head);
    await discardBody(body);
    return;
  }
  let pending = head;
  for await (const chunk of replyChunks(body)) {
    if (signal.aborted) break;
    const ok = out.write(pending !== "" ? join(pending, chunk) : chunk);
    pending = "";
    if (!ok) await drained(out, signal);
    if (signal.aborted) break;
  }
  if (pending !== "") out.write(pending);
}

// src/server/cgi/index.ts
var STOP_SIGNALS = ["SIGTERM", "SIGHUP", "SIGINT"];
function exitAfterFlush(code, out) {
  if (!(out instanceof FdSink) || !out.usedStream || process.stdout.writableLength === 0) process.exit(code);
  process.stdout.write("", () => process.exit(code));
}
async function runCgi(target, options = {}) {
  const errors = streamSink(options.stderr ?? { write: (text2) => process.stderr.write(text2) });
  const controller = new AbortController();
  const signals = options.signals ?? process;
  const exit = options.exit !== false;
  let forceExit;
  const onStop = () => {
    controller.abort(new Error("the web server ended the request"));
    if (exit) forceExit ??= setTimeout(() => process.exit(143), options.graceMs ?? 2e3).unref();
  };
  for (const signal of STOP_SIGNALS) signals.on(signal, onStop);
  const out = options.stdout ?? new FdSink(1);
  out.once("error", onStop);
  let code = 0;
  try {
    const service = await toService(target);
    await service.startup?.();
    const vars = options.env ?? process.env;
    const length = Number(vars.CONTENT_LENGTH ?? "");
    const input = length > 0 && Number.isSafeInteger(length) ? new RequestInput(exactBody(options.stdin ?? process.stdin, length)) : EMPTY_INPUT;
    const env = envFromParams(vars, {
      input,
      errors,
      signal: controller.signal,
      multithread: false,
      multiprocess: true,
      runOnce: true,
      scriptName: options.scriptName
    });
    const reply = await callApp(service.app, env, options.development === true);
    let wrote = false;
    const counted = {
      write: (chunk) => {
        wrote = true;
        return out.write(chunk);
      },
      once: (event, listener) => out.once(event, listener),
      off: (event, listener) => out.off(event, listener)
    };
    try {
      await writeCgiReply(counted, reply, env.REQUEST_METHOD, controller.signal);
    } catch (error) {
      errors.write(`tsgi: ${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO}: sending the reply failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      code = 1;
      if (!wrote) await writeCgiReply(out, { status: 500, headers: [["content-type", "text/plain; charset=utf-8"]], body: "Internal Server Error\n" }, env.REQUEST_METHOD, controller.signal);
    }
    try {
      await service.shutdown?.();
    } catch (error) {
      errors.write(`tsgi: the shutdown hook failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  } catch (error) {
    errors.write(`tsgi: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    out.write("Status: 500 Internal Server Error\r\ncontent-type: text/plain; charset=utf-8\r\n\r\nInternal Server Error\n");
    code = 1;
  } finally {
    for (const signal of STOP_SIGNALS) signals.off(signal, onStop);
    out.off("error", onStop);
  }
  if (exit) exitAfterFlush(code, out);
  return code;
}

// examples/sum/app.ts
var NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
var TEXT = [["content-type", "text/plain; charset=utf-8"]];
function text(status, body) {
  return { status, headers: [...TEXT], body };
}
function operand(params2, name) {
  const raw = params2.get(name);
  if (raw === null || raw === "") return `${name} is missing: pass it as a number, e.g. /sum?a=1&b=2`;
  if (!NUMBER.test(raw.trim())) return `${name} must be a number; got ${JSON.stringify(raw)}`;
  return Number(raw);
}
async function params(env) {
  const query = new URLSearchParams(env.QUERY_STRING);
  if (env.REQUEST_METHOD === "POST" && (env.CONTENT_TYPE ?? "").startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(await readText(env, { limit: 4096 }))) query.set(key, value);
  }
  return query;
}
var app = async (env) => {
  if (env.PATH_INFO !== "/sum" && env.PATH_INFO !== "/sum/") return text(404, `no page at ${env.SCRIPT_NAME}${env.PATH_INFO}; try ${env.SCRIPT_NAME}/sum?a=1&b=2
`);
  if (env.REQUEST_METHOD !== "GET" && env.REQUEST_METHOD !== "HEAD" && env.REQUEST_METHOD !== "POST") {
    return { status: 405, headers: [...TEXT, ["allow", "GET, HEAD, POST"]], body: "use GET or POST\n" };
  }
  const query = await params(env);
  const a = operand(query, "a");
  const b = operand(query, "b");
  const problems = [a, b].filter((value) => typeof value === "string");
  if (problems.length > 0) return text(400, problems.join("\n") + "\n");
  const sum = a + b;
  if (!Number.isFinite(sum)) return text(400, `the sum of ${String(a)} and ${String(b)} is too large to represent
`);
  return text(200, String(sum));
};
var app_default = app;

// tsgi-cgi-entry.js
var exported = app_default;
Promise.resolve(exported).then((target) => runCgi(target, { development: false }));
