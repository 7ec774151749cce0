/**
 * `tsgi/cgi`: runs an app as a CGI script (RFC 3875): the request comes in the process environment
 * and on stdin (exactly CONTENT_LENGTH bytes), the reply goes to stdout as `Status:`, headers, a blank
 * line and the body; logs go to stderr. One request, then the shutdown hook, then exit.
 *
 * A web server starts one process per request, so this module loads only what a request needs: no
 * HTTP server, no Fetch classes (touching the global Request/Response loads undici, ~30 ms).
 *
 * @example
 * ```js
 * #!/usr/bin/env node
 * import { runCgi } from "tsgi/cgi";
 * import app from "./app.js";
 * runCgi(app);
 * ```
 * @module
 */
import type { App, Service } from "../../contract.js";
import { EMPTY_INPUT, RequestInput } from "../../gateway/body.js";
import { callApp } from "../../gateway/call.js";
import { streamSink } from "../../gateway/log.js";
import { envFromParams } from "../../gateway/params.js";
import { toService } from "../../gateway/service.js";
import { FdSink } from "./fd-sink.js";
import { exactBody, type ByteSource } from "./input.js";
import { writeCgiReply, type ReplySink } from "./output.js";

export type { ByteSource } from "./input.js";
export type { ReplySink } from "./output.js";

/** Options and the process parts the runner uses; tests inject them, scripts leave them out. */
export interface CgiOptions {
  /** Error stacks reach the client. Never in production. */
  development?: boolean;
  /** The CGI variables (default: `process.env`). */
  env?: Record<string, string | undefined>;
  /** The request body source (default: `process.stdin`, touched only when there is a body). */
  stdin?: ByteSource;
  /** Where the reply goes (default: fd 1, written synchronously; `process.stdout` only if the pipe is non-blocking). */
  stdout?: ReplySink;
  /** Where logs go (default: `process.stderr`). */
  stderr?: { write(text: string): unknown };
  /** Where SIGTERM/SIGHUP arrive from (default: `process`): the web server ends a script whose client left. */
  signals?: { on(signal: NodeJS.Signals, listener: () => void): unknown; off(signal: NodeJS.Signals, listener: () => void): unknown };
  /** The app's mount point, when it should differ from the script's SCRIPT_NAME. */
  scriptName?: string;
  /** After a stop signal, how long the app may take to notice before the process exits anyway (default 2 s). */
  graceMs?: number;
  /** Exit the process when done (default true). With false, the exit code is only returned. */
  exit?: boolean;
}

const STOP_SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGINT"];

/** Exits once stdout has taken everything written (at once when it was written synchronously). */
function exitAfterFlush(code: number, out: ReplySink): void {
  if (!(out instanceof FdSink) || !out.usedStream || process.stdout.writableLength === 0) process.exit(code);
  process.stdout.write("", () => process.exit(code));
}

/**
 * Serves the one request of this CGI process. Resolves with the exit code (0 when a reply was sent)
 * after the shutdown hook ran; unless `exit` is false, then exits the process with it.
 *
 * @example
 * ```ts
 * await runCgi(app, { exit: false, env: { REQUEST_METHOD: "GET", PATH_INFO: "/sum", QUERY_STRING: "a=1&b=2" } });
 * ```
 */
export async function runCgi(target: App | Service, options: CgiOptions = {}): Promise<number> {
  // process.stderr is created only if something is logged: the stream costs start-up time.
  const errors = streamSink(options.stderr ?? { write: (text: string) => process.stderr.write(text) });
  const controller = new AbortController();
  const signals = options.signals ?? process;
  const exit = options.exit !== false;
  let forceExit: NodeJS.Timeout | undefined;
  const onStop = (): void => {
    controller.abort(new Error("the web server ended the request"));
    if (exit) forceExit ??= setTimeout(() => process.exit(143), options.graceMs ?? 2000).unref();
  };
  for (const signal of STOP_SIGNALS) signals.on(signal, onStop);
  const out: ReplySink = options.stdout ?? new FdSink(1);
  out.once("error", onStop);

  let code = 0;
  try {
    const service = await toService(target);
    await service.startup?.();
    const vars = options.env ?? process.env;
    const length = Number(vars.CONTENT_LENGTH ?? "");
    const input = length > 0 && Number.isSafeInteger(length)
      ? new RequestInput(exactBody(options.stdin ?? process.stdin, length))
      : EMPTY_INPUT;
    const env = envFromParams(vars, {
      input,
      errors,
      signal: controller.signal,
      multithread: false,
      multiprocess: true,
      runOnce: true,
      scriptName: options.scriptName,
    });
    const reply = await callApp(service.app, env, options.development === true);
    let wrote = false;
    const counted: ReplySink = {
      write: (chunk) => { wrote = true; return out.write(chunk); },
      once: (event, listener) => out.once(event, listener),
      off: (event, listener) => out.off(event, listener),
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
    // Startup failed (or the app could not be resolved): the web server still gets a well-formed 500.
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
