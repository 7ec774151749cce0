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
async function discardBody(body) {
  if (!isStreamBody(body) || typeof body === "string") return;
  const iterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]();
  await iterator.return?.();
}

// src/gateway/invoke.ts
function isReply(value) {
  return typeof value === "object" && value !== null && Number.isInteger(value.status) && Array.isArray(value.headers);
}
function isThenable(value) {
  return typeof value === "object" && value !== null && typeof value.then === "function";
}
function describeRequest(env) {
  return `${env.REQUEST_METHOD} ${env.SCRIPT_NAME}${env.PATH_INFO}`;
}
function stackOf(error) {
  return error instanceof Error ? error.stack ?? `${error.name}: ${error.message}` : String(error);
}
function notAReply(value) {
  let what = value === null ? "null" : typeof value;
  const fix = "return { status, headers, body }";
  if (typeof value === "object" && value !== null) {
    const headers = value.headers;
    if (headers !== void 0 && !Array.isArray(headers)) {
      return new TypeError(`the app's reply has headers that are not an array; give headers as [name, value] pairs: headers: [["content-type", "text/plain"]] (not an object or a Headers)`);
    }
    if (!Number.isInteger(value.status)) {
      return new TypeError("the app's reply has no integer status; set status to a number such as 200");
    }
    what = "an object that is not a reply";
  }
  return new TypeError(`the app returned ${what} instead of a reply; ${fix}`);
}
function failureReply(error, env, log, development) {
  if (errorStatus(error) >= 500) log.write(`tsgi: ${describeRequest(env)}: ${stackOf(error)}`);
  return errorReply(error, development);
}
function invoke(app2, env, log, development) {
  let result;
  try {
    result = app2(env);
  } catch (error) {
    return failureReply(error, env, log, development);
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => isReply(value) ? value : failureReply(notAReply(value), env, log, development),
      (error) => failureReply(error, env, log, development)
    );
  }
  return isReply(result) ? result : failureReply(notAReply(result), env, log, development);
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

// src/gateway/lazy-abort.ts
var LazyAbort = class {
  #controller = void 0;
  #reason = void 0;
  /** The request's signal; created on first read. */
  get signal() {
    if (this.#controller === void 0) {
      this.#controller = new AbortController();
      if (this.#reason !== void 0) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
  /** Aborts the request (once; later calls are ignored), whether or not its signal was read yet. */
  abort(reason) {
    if (this.#reason !== void 0) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
};
var LAZY_ABORT = /* @__PURE__ */ Symbol("tsgi.abort");
var SIGNAL_PROPERTY = {
  get() {
    return this[LAZY_ABORT].signal;
  },
  set(value) {
    Object.defineProperty(this, "tsgi.signal", { value, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true
};

// src/gateway/env-core.ts
function createEnv(base, input, abort) {
  const env = {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "",
    QUERY_STRING: "",
    SERVER_NAME: "",
    SERVER_PORT: "",
    SERVER_PROTOCOL: "HTTP/1.0",
    GATEWAY_INTERFACE: "CGI/1.1",
    REMOTE_ADDR: "",
    "tsgi.version": TSGI_VERSION,
    "tsgi.url_scheme": "http",
    "tsgi.input": input,
    "tsgi.errors": base.errors,
    "tsgi.multithread": base.multithread,
    "tsgi.multiprocess": base.multiprocess,
    "tsgi.run_once": base.runOnce,
    "tsgi.development": base.development,
    [LAZY_ABORT]: abort
  };
  return env;
}
function isDroppedParam(name) {
  const c = name.charCodeAt(0);
  if (c === 116) return name.startsWith("tsgi.");
  if (c === 70) return name === "FCGI_ROLE";
  return c === 72 && (name === "HTTP_PROXY" || name === "HTTP_CONTENT_TYPE" || name === "HTTP_CONTENT_LENGTH");
}
function headerFromUtf8(value) {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 127) return latin1OfUtf8(value);
  }
  return value;
}
var utf8Encoder = new TextEncoder();
function latin1OfUtf8(value) {
  const bytes = utf8Encoder.encode(value);
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}
function copyParams(env, params2, headersAsUtf8 = false) {
  if (Array.isArray(params2)) {
    for (let i = 0; i < params2.length; i++) {
      const pair = params2[i];
      copyParam(env, pair[0], pair[1], headersAsUtf8);
    }
    return;
  }
  const entries = Symbol.iterator in params2 ? params2 : Object.entries(params2);
  for (const [name, value] of entries) {
    if (typeof value === "string") copyParam(env, name, value, headersAsUtf8);
  }
}
function copyParam(env, name, value, headersAsUtf8) {
  if (isDroppedParam(name)) return;
  const record = env;
  const c = name.charCodeAt(0);
  if (c === 72 && name.startsWith("HTTP_")) {
    const text2 = headersAsUtf8 ? headerFromUtf8(value) : value;
    const previous = record[name];
    record[name] = previous === void 0 ? text2 : previous + (name === "HTTP_COOKIE" ? "; " : ", ") + text2;
    return;
  }
  if (value === "" && c === 67 && (name === "CONTENT_TYPE" || name === "CONTENT_LENGTH")) return;
  record[name] = value;
}
var HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;
var lastHost = { value: "", valid: false, name: "", port: "" };
function hostFacts(host) {
  const [name, port] = splitHost(host);
  lastHost.valid = HOST.test(host);
  lastHost.name = name;
  lastHost.port = port;
  lastHost.value = host;
  return lastHost;
}
function splitHost(host) {
  if (host.charCodeAt(0) === 91) {
    const end = host.indexOf("]");
    if (end === -1) return [host, ""];
    const rest = host.slice(end + 1);
    return [host.slice(0, end + 1), rest.charCodeAt(0) === 58 ? rest.slice(1) : ""];
  }
  const colon = host.indexOf(":");
  return colon === -1 ? [host, ""] : [host.slice(0, colon), host.slice(colon + 1)];
}
function addressName(address) {
  if (address.startsWith("::ffff:") && address.includes(".")) return address.slice(7);
  return address.includes(":") && address.charCodeAt(0) !== 91 ? `[${address}]` : address;
}
function decodePath(path) {
  if (!path.includes("%")) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
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
function finishEnv(env, scriptName) {
  if (env.SCRIPT_NAME === "/") env.SCRIPT_NAME = "";
  const host = env.HTTP_HOST;
  if (host !== void 0 && host !== "") {
    const facts = host === lastHost.value ? lastHost : hostFacts(host);
    env.SERVER_NAME = facts.name;
    if (facts.port !== "") env.SERVER_PORT = facts.port;
  }
  if (env.SERVER_NAME === "" && typeof env.SERVER_ADDR === "string" && env.SERVER_ADDR !== "") env.SERVER_NAME = addressName(env.SERVER_ADDR);
  if (scriptName !== void 0) applyScriptName(env, scriptName);
  const https = env.HTTPS;
  if (https !== void 0 && (https === "on" || https.toLowerCase() === "on")) env["tsgi.url_scheme"] = "https";
  if (env["tsgi.signal"] === void 0) Object.defineProperty(env, "tsgi.signal", SIGNAL_PROPERTY);
  return env;
}

// src/gateway/params.ts
function envFromParams(params2, gateway) {
  const env = createEnv(
    { errors: gateway.errors, multithread: gateway.multithread, multiprocess: gateway.multiprocess, runOnce: gateway.runOnce, development: gateway.development === true },
    gateway.input,
    gateway.abort ?? new LazyAbort()
  );
  if (gateway.signal !== void 0) env["tsgi.signal"] = gateway.signal;
  copyParams(env, params2, gateway.headersAsUtf8 === true);
  return finishEnv(env, gateway.scriptName);
}

// src/gateway/header-check.ts
var TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;
function isToken(name) {
  const length = name.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) return false;
  }
  return true;
}
function sendable(c) {
  return c >= 32 && c <= 126 || c >= 128 && c <= 255 || c === 9;
}
function firstUnsendable(value) {
  for (let i = 0; i < value.length; i++) if (!sendable(value.charCodeAt(i))) return i;
  return -1;
}
function valueClass(value) {
  let result = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 32 && c <= 126) continue;
    if (!sendable(c)) return -1;
    if (c !== 9) result = 2;
    else if (result === 0) result = 1;
  }
  return result;
}
function nameProblem(name) {
  if (isToken(name)) return void 0;
  return `header name ${JSON.stringify(name)} is not a token: use letters, digits and !#$%&'*+-.^_\`|~ only`;
}
function describeChar(code) {
  if (code === 13) return "CR";
  if (code === 10) return "LF";
  if (code === 0) return "NUL";
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
function valueProblem(name, value) {
  const index = firstUnsendable(value);
  if (index === -1) return void 0;
  const code = value.charCodeAt(index);
  const fix = code > 255 ? "percent-encode it (encodeURI for a URL) or use RFC 8187 encoding" : "remove control characters (header values are one line of text)";
  return `header ${name}: its value holds ${describeChar(code)} at index ${index}, which cannot be sent as itself; ${fix}`;
}
function headerProblem(name, value) {
  return nameProblem(name) ?? valueProblem(name, value);
}

// src/gateway/reply-plan.ts
var HOP_BY_HOP = /* @__PURE__ */ new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);
var SERVER_ERROR_TEXT = "Internal Server Error\n";
var TEXT_PLAIN = "text/plain; charset=utf-8";
var encoder2 = new TextEncoder();
var nodeBuffer = globalThis.Buffer;
function byteLength(body) {
  if (typeof body !== "string") return body.byteLength;
  return nodeBuffer !== void 0 ? nodeBuffer.byteLength(body) : encoder2.encode(body).byteLength;
}
function isStream(body) {
  return typeof body === "object" && body !== null && !(body instanceof Uint8Array) && (typeof body[Symbol.iterator] === "function" || typeof body[Symbol.asyncIterator] === "function");
}
function bodyProblem(body) {
  if (body === null || body === void 0 || typeof body === "string" || body instanceof Uint8Array) return void 0;
  if (isStream(body)) return void 0;
  const what = body instanceof ArrayBuffer ? "an ArrayBuffer (wrap it: new Uint8Array(buffer))" : typeof body === "object" ? "an object that is not iterable" : `a ${typeof body}`;
  return `the body is ${what}; return a string, a Uint8Array or an (async) iterable of them`;
}
function plan(status, headers, whole, stream, discard, problem, latin1Head = false) {
  return { status, reason: reasonPhrase(status), headers, whole, stream, discard, problem, latin1Head };
}
function special(length) {
  return length === 2 || length === 6 || length === 7 || length === 10 || length === 14 || length === 16 || length === 17;
}
function errorPlan(problem, method, development = false, discard = void 0, detail) {
  const text2 = development ? (detail ?? problem) + "\n" : SERVER_ERROR_TEXT;
  const headers = [["content-type", TEXT_PLAIN], ["content-length", String(byteLength(text2))]];
  return plan(500, headers, method === "HEAD" ? null : text2, null, discard, problem);
}
function invalid(problem, reply, method, development) {
  return errorPlan(`the reply is invalid: ${problem}`, method, development, reply.body);
}
function planReply(reply, method, development = false) {
  const status = reply.status;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    const hint = Number.isInteger(status) && status >= 100 && status < 200 ? " (a 1xx status cannot be a final reply)" : "";
    return invalid(`status ${String(status)} is not an integer from 200 to 599${hint}`, reply, method, development);
  }
  const list = reply.headers;
  let headers = list;
  let lengthValue;
  let copied = false;
  const known = lookup(list);
  const plain = known !== void 0 && unchanged(known, list);
  let latin1Head = plain && known.latin1;
  for (let i = plain ? list.length : 0; i < list.length; i++) {
    const pair = list[i];
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      return invalid(`header ${i} is not a [name, value] pair of strings`, reply, method, development);
    }
    const name = pair[0];
    const value = pair[1];
    const kind = valueClass(value);
    if (kind !== 0 || !isToken(name)) {
      const problem = headerProblem(name, value);
      if (problem !== void 0) return invalid(problem, reply, method, development);
      if (kind === 2) latin1Head = true;
    }
    const lower = special(name.length) ? name.toLowerCase() : "";
    if (lower === "content-length") {
      if (lengthValue !== void 0) return invalid("more than one content-length header", reply, method, development);
      if (!/^[0-9]{1,15}$/.test(pair[1])) return invalid(`content-length ${JSON.stringify(pair[1])} is not a decimal number`, reply, method, development);
      lengthValue = pair[1];
    } else if (lower === "status") {
      return invalid("a Status header; set reply.status instead", reply, method, development);
    } else if (lower !== "" && HOP_BY_HOP.has(lower)) {
      if (!copied) {
        headers = list.slice(0, i);
        copied = true;
      }
      continue;
    }
    if (copied) headers.push(pair);
  }
  const entry = plain ? known : !copied && lengthValue === void 0 ? remember(list, latin1Head) : void 0;
  const body = reply.body;
  const wrongBody = bodyProblem(body);
  if (wrongBody !== void 0) return invalid(wrongBody, reply, method, development);
  const head = method === "HEAD";
  if (status === 204 || status === 304) {
    if (status === 204 && lengthValue !== void 0) headers = headers.filter(([name]) => name.toLowerCase() !== "content-length");
    return plan(status, headers, null, null, body, void 0, latin1Head);
  }
  if (isStream(body)) {
    return head ? plan(status, headers, null, null, body, void 0, latin1Head) : plan(status, headers, null, body, void 0, void 0, latin1Head);
  }
  if (body === null || body === void 0) {
    if (head || lengthValue !== void 0) return plan(status, headers, null, null, void 0, void 0, latin1Head);
    return plan(status, withLength(headers, copied, 0), null, null, void 0, void 0, latin1Head);
  }
  const length = byteLength(body);
  if (lengthValue !== void 0) {
    if (Number(lengthValue) !== length) {
      return invalid(`content-length says ${lengthValue} but the body has ${length} bytes; drop the header and let the server count`, reply, method, development);
    }
    return plan(status, headers, head ? null : body, null, void 0, void 0, latin1Head);
  }
  return plan(status, entry !== void 0 ? sized(entry, list, length) : withLength(headers, copied, length), head ? null : body, null, void 0, void 0, latin1Head);
}
var last = { list: void 0, seen: void 0, snapshot: [], latin1: false, length: -1, withLength: void 0 };
function lookup(list) {
  return last.list === list ? last : void 0;
}
function remember(list, latin1) {
  if (last.seen !== list) {
    last.seen = list;
    return void 0;
  }
  const snapshot = last.snapshot;
  snapshot.length = 0;
  for (let i = 0; i < list.length; i++) {
    const pair = list[i];
    snapshot.push(pair[0], pair[1]);
  }
  last.list = list;
  last.latin1 = latin1;
  last.length = -1;
  last.withLength = void 0;
  return last;
}
function unchanged(entry, list) {
  const snapshot = entry.snapshot;
  if (snapshot.length !== list.length * 2) return false;
  for (let i = 0; i < list.length; i++) {
    const pair = list[i];
    if (pair[0] !== snapshot[2 * i] || pair[1] !== snapshot[2 * i + 1]) return false;
  }
  return true;
}
function sized(entry, list, length) {
  if (entry.length !== length || entry.withLength === void 0) {
    entry.withLength = withLength(list, false, length);
    entry.length = length;
  }
  return entry.withLength;
}
function withLength(headers, owned, length) {
  const out = owned ? headers : headers.slice();
  out.push(["content-length", String(length)]);
  return out;
}
function cgiHeadText(plan2) {
  let head = "Status: " + plan2.status + " " + plan2.reason + "\r\n";
  const headers = plan2.headers;
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i];
    head += pair[0] + ": " + pair[1] + "\r\n";
  }
  return head + "\r\n";
}
function cgiReplyBytes(plan2, body) {
  const head = cgiHeadText(plan2);
  if (nodeBuffer !== void 0) {
    const bodyLength = body === null ? 0 : typeof body === "string" ? nodeBuffer.byteLength(body) : body.byteLength;
    const out2 = nodeBuffer.allocUnsafe(head.length + bodyLength);
    out2.latin1Write(head, 0);
    if (typeof body === "string") out2.utf8Write(body, head.length);
    else if (body !== null) out2.set(body, head.length);
    return out2;
  }
  const bytes = body === null ? null : typeof body === "string" ? encoder2.encode(body) : body;
  const out = new Uint8Array(head.length + (bytes === null ? 0 : bytes.byteLength));
  for (let i = 0; i < head.length; i++) out[i] = head.charCodeAt(i);
  if (bytes !== null) out.set(bytes, head.length);
  return out;
}

// src/gateway/reply-writer.ts
function swallow() {
}
function sendPlan(plan2, sink, env, log, development) {
  if (plan2.problem !== void 0) log.write(`tsgi: ${describeRequest(env)}: ${plan2.problem}`);
  if (plan2.discard !== void 0 && plan2.discard !== null) void discardBody(plan2.discard).catch(swallow);
  if (plan2.stream === null) {
    sink.whole(plan2, plan2.whole);
    return void 0;
  }
  return sendStream(plan2, sink, env, log, development);
}
async function sendStream(plan2, sink, env, log, development) {
  const stream = plan2.stream;
  const iterator = Symbol.asyncIterator in stream ? stream[Symbol.asyncIterator]() : stream[Symbol.iterator]();
  let started = false;
  let finished = false;
  try {
    for (; ; ) {
      if (sink.gone) break;
      const step = await iterator.next();
      if (step.done === true) {
        finished = true;
        break;
      }
      const value = step.value;
      if (typeof value !== "string" && !(value instanceof Uint8Array)) {
        throw new TypeError(`a body chunk must be a string or Uint8Array; got ${value === null ? "null" : typeof value}`);
      }
      const bytes = chunkBytes(value);
      if (bytes.byteLength === 0) continue;
      if (sink.gone) break;
      let ok;
      if (!started) {
        started = true;
        ok = sink.head(plan2, bytes);
      } else {
        ok = sink.chunk(bytes);
      }
      if (!ok) await sink.drained();
    }
  } catch (error) {
    finished = true;
    if (sink.gone) return;
    const where = started ? "the reply body failed after it started; the reply is cut short" : "the reply body failed";
    log.write(`tsgi: ${describeRequest(env)}: ${where}: ${stackOf(error)}`);
    if (started) {
      sink.cut();
    } else {
      const failed = errorPlan(where, env.REQUEST_METHOD, development, void 0, stackOf(error));
      sink.whole(failed, failed.whole);
    }
    return;
  } finally {
    if (!finished) await Promise.resolve(iterator.return?.()).catch(swallow);
  }
  if (sink.gone) return;
  if (started) sink.end();
  else sink.whole(plan2, null);
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
async function* bodyToEnd(source) {
  const iterable = typeof source.iterator === "function" ? source.iterator({ destroyOnReturn: false }) : source;
  for await (const chunk of iterable) yield chunk;
}

// src/server/cgi/output.ts
var CgiReplySink = class {
  #out;
  #signal;
  #wrote = false;
  #cut = false;
  constructor(out, signal) {
    this.#out = out;
    this.#signal = signal;
  }
  /** True once any byte was written (an error reply is then too late). */
  get wrote() {
    return this.#wrote;
  }
  get gone() {
    return this.#signal.aborted;
  }
  whole(plan2, body) {
    this.#write(cgiReplyBytes(plan2, body));
  }
  head(plan2, first) {
    return this.#write(cgiReplyBytes(plan2, first));
  }
  chunk(bytes) {
    return this.#write(bytes);
  }
  drained() {
    const out = this.#out;
    const signal = this.#signal;
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
  end() {
  }
  /** A CGI reply is cut short by exiting with an error status: the web server sees the body end early. */
  cut() {
    this.#cut = true;
  }
  /** True when a streamed reply was cut short. */
  get wasCut() {
    return this.#cut;
  }
  #write(bytes) {
    this.#wrote = true;
    return this.#out.write(bytes);
  }
};

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
  const realProcess = options.signals === void 0;
  let forceExit;
  const onStop = () => {
    controller.abort(new Error("the web server ended the request"));
    if (exit || realProcess) forceExit ??= setTimeout(() => process.exit(143), options.graceMs ?? 2e3).unref();
  };
  for (const signal of STOP_SIGNALS) signals.on(signal, onStop);
  const out = options.stdout ?? new FdSink(1);
  out.once("error", onStop);
  const development = options.development === true;
  let code = 0;
  try {
    const service = await toService(target);
    await service.startup?.();
    const vars = options.env ?? process.env;
    if (vars === process.env) delete process.env.HTTP_PROXY;
    const env = envFromParams(vars, {
      input: EMPTY_INPUT,
      errors,
      signal: controller.signal,
      multithread: false,
      multiprocess: true,
      runOnce: true,
      development,
      headersAsUtf8: vars === process.env,
      scriptName: options.scriptName
    });
    code = await serveOne(service.app, env, vars.CONTENT_LENGTH, options.stdin, out, errors, controller.signal, development);
    try {
      await service.shutdown?.();
    } catch (error) {
      errors.write(`tsgi: the shutdown hook failed: ${stackOf(error)}`);
    }
  } catch (error) {
    errors.write(`tsgi: ${stackOf(error)}`);
    new CgiReplySink(out, controller.signal).whole(errorPlan("startup failed", "GET"), "Internal Server Error\n");
    code = 1;
  } finally {
    for (const signal of STOP_SIGNALS) signals.off(signal, onStop);
    out.off("error", onStop);
  }
  if (exit) exitAfterFlush(code, out);
  return code;
}
async function serveOne(app2, env, contentLength, stdin, out, errors, signal, development) {
  const sink = new CgiReplySink(out, signal);
  const length = contentLength ?? "";
  if (length !== "" && !/^[0-9]{1,15}$/.test(length)) {
    const text2 = `CONTENT_LENGTH ${JSON.stringify(length)} is not a decimal number of bytes
`;
    sendPlan(planReply({ status: 400, headers: [["content-type", "text/plain; charset=utf-8"]], body: text2 }, env.REQUEST_METHOD), sink, env, errors, development);
    return 1;
  }
  const bytes = length === "" ? 0 : Number(length);
  if (bytes > 0) env["tsgi.input"] = new RequestInput(exactBody(stdin ?? process.stdin, bytes));
  else if (length === "" && env.HTTP_TRANSFER_ENCODING !== void 0) env["tsgi.input"] = new RequestInput(bodyToEnd(stdin ?? process.stdin));
  const reply = await invoke(app2, env, errors, development);
  await sendPlan(planReply(reply, env.REQUEST_METHOD, development), sink, env, errors, development);
  return sink.wasCut || signal.aborted ? 1 : 0;
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
