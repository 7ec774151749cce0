// Runs the CGI runner in-process as a web server would drive it: CGI variables, stdin, stdout, stderr
// and signals are injected; the output is parsed back into a reply.
import { EventEmitter } from "node:events";
import { Readable, Writable } from "node:stream";
import type { App } from "tsgi";
import { runCgi } from "tsgi/cgi";
import type { ConformanceReply, ConformanceRequest, ConformanceServer } from "../conformance/cases.js";

/** Parses CGI output (`Status:` line, headers, blank line, body) into a reply. */
export function parseCgiOutput(output: Buffer): ConformanceReply {
  const end = output.indexOf("\r\n\r\n");
  if (end === -1) throw new Error(`no header block in CGI output: ${JSON.stringify(output.toString("latin1").slice(0, 200))}`);
  const lines = output.subarray(0, end).toString("latin1").split("\r\n");
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
    else headers.push([name, value]);
  }
  return { status, headers, body: output.subarray(end + 4) };
}

async function bodyBytes(body: ConformanceRequest["body"]): Promise<Buffer | undefined> {
  if (body === undefined) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The CGI variables a web server would set for the request (the app mounted at the root). */
export function cgiVariables(method: string, target: string, headers: Array<[string, string]>, length: number | undefined): Record<string, string> {
  const q = target.indexOf("?");
  const path = q === -1 ? target : target.slice(0, q);
  const vars: Record<string, string> = {
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_SOFTWARE: "test-harness",
    SERVER_NAME: "127.0.0.1",
    SERVER_PORT: "8080",
    SERVER_PROTOCOL: "HTTP/1.1",
    REQUEST_METHOD: method,
    REQUEST_URI: target,
    SCRIPT_NAME: "",
    PATH_INFO: decodeURIComponent(path),
    QUERY_STRING: q === -1 ? "" : target.slice(q + 1),
    REMOTE_ADDR: "127.0.0.1",
    REMOTE_PORT: "50123",
    HTTP_HOST: "127.0.0.1:8080",
  };
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === "content-type") { vars.CONTENT_TYPE = value; continue; }
    const key = "HTTP_" + lower.toUpperCase().replaceAll("-", "_");
    // A web server exports every header, Proxy included: the runner must drop HTTP_PROXY itself.
    vars[key] = vars[key] !== undefined && key !== "HTTP_HOST" ? vars[key] + (key === "HTTP_COOKIE" ? "; " : ", ") + value : value;
  }
  if (length !== undefined) vars.CONTENT_LENGTH = String(length);
  return vars;
}

/** A slow stdout: small buffer and an async write, so the runner has to wait for drain. */
function slowStdout(chunks: Buffer[], onWrite?: () => void): Writable {
  return new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      onWrite?.();
      setImmediate(callback);
    },
  });
}

/** A conformance server driving runCgi in-process, one "process" per request. */
export function inProcessCgi(app: App): ConformanceServer {
  const logs: string[] = [];
  const stderr = { write: (text: string) => { logs.push(text); return true; } };
  return {
    async fetch(method, path, init = {}) {
      const body = await bodyBytes(init.body);
      const env = cgiVariables(method, path, init.headers ?? [], body?.byteLength);
      const chunks: Buffer[] = [];
      const stdin = Readable.from(body === undefined ? [] : [body.subarray(0, body.byteLength >> 1), body.subarray(body.byteLength >> 1)]);
      const stdout = slowStdout(chunks);
      await runCgi(app, { env, stdin, stdout, stderr, signals: new EventEmitter(), exit: false });
      // The process would now exit; its pipe delivers what is still buffered.
      await new Promise((resolve) => stdout.end(resolve));
      return parseCgiOutput(Buffer.concat(chunks));
    },
    async disconnectMidReply(path) {
      const signals = new EventEmitter();
      const chunks: Buffer[] = [];
      const pipe: { stdout?: Writable } = {};
      let dropped = false;
      const dropAfterBody = (): void => {
        if (dropped || Buffer.concat(chunks).indexOf("\r\n\r\n") === -1) return;
        dropped = true;
        // The web server lost the client: it closes the pipe and sends SIGTERM, as lighttpd and Apache do.
        setImmediate(() => {
          pipe.stdout?.destroy(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
          signals.emit("SIGTERM");
        });
      };
      const stdout = slowStdout(chunks, dropAfterBody);
      pipe.stdout = stdout;
      stdout.on("error", () => undefined);
      const done = runCgi(app, { env: cgiVariables("GET", path, [], undefined), stdout, stderr, signals, exit: false });
      while (!dropped) await new Promise((resolve) => setTimeout(resolve, 5));
      await done;
    },
    logs: () => logs,
    close: async () => undefined,
  };
}
