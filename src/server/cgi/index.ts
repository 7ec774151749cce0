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
import type { App, Env, Service } from "../../contract.js";
import { EMPTY_INPUT, RequestInput } from "../../gateway/body.js";
import { invoke, stackOf } from "../../gateway/invoke.js";
import { streamSink } from "../../gateway/log.js";
import { envFromParams } from "../../gateway/params.js";
import { errorPlan, planReply } from "../../gateway/reply-plan.js";
import { sendPlan } from "../../gateway/reply-writer.js";
import { toService } from "../../gateway/service.js";
import { FdSink } from "./fd-sink.js";
import { bodyToEnd, exactBody, type ByteSource } from "./input.js";
import { CgiReplySink, type CgiOutput } from "./output.js";

export type { ByteSource } from "./input.js";
export type { CgiOutput } from "./output.js";
/** @deprecated renamed {@link CgiOutput}. */
export type ReplySink = CgiOutput;

/** Options and the process parts the runner uses; tests inject them, scripts leave them out. */
export interface CgiOptions {
  /** Error stacks reach the client. Never in production. */
  development?: boolean;
  /** The CGI variables (default: `process.env`). */
  env?: Record<string, string | undefined>;
  /** The request body source (default: `process.stdin`, touched only when there is a body). */
  stdin?: ByteSource;
  /** Where the reply goes (default: fd 1, written synchronously; `process.stdout` only if the pipe is non-blocking). */
  stdout?: CgiOutput;
  /** Where logs go (default: `process.stderr`). */
  stderr?: { write(text: string): unknown };
  /**
   * Where SIGTERM/SIGHUP arrive from (default: `process`): the web server ends a script whose client left.
   * With the default, a stop signal ends the process after `graceMs` even when `exit` is false.
   */
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
function exitAfterFlush(code: number, out: CgiOutput): void {
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
  const realProcess = options.signals === undefined;
  let forceExit: NodeJS.Timeout | undefined;
  const onStop = (): void => {
    controller.abort(new Error("the web server ended the request"));
    // The app had its signal; if it does not finish within the grace period, the process ends anyway.
    if (exit || realProcess) forceExit ??= setTimeout(() => process.exit(143), options.graceMs ?? 2000).unref();
  };
  for (const signal of STOP_SIGNALS) signals.on(signal, onStop);
  const out: CgiOutput = options.stdout ?? new FdSink(1);
  out.once("error", onStop);
  const development = options.development === true;

  let code = 0;
  try {
    const service = await toService(target);
    await service.startup?.();
    const vars = options.env ?? process.env;
    // httpoxy (CVE-2016-5385): a client's Proxy header arrives as HTTP_PROXY; no library may read it.
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
      scriptName: options.scriptName,
    });
    code = await serveOne(service.app, env, vars.CONTENT_LENGTH, options.stdin, out, errors, controller.signal, development);
    try {
      await service.shutdown?.();
    } catch (error) {
      errors.write(`tsgi: the shutdown hook failed: ${stackOf(error)}`);
    }
  } catch (error) {
    // Startup failed (or the app could not be resolved): the web server still gets a well-formed 500.
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

/** Serves the request: a malformed CONTENT_LENGTH is a 400; otherwise the app's reply through the plan. */
async function serveOne(app: App, env: Env, contentLength: string | undefined, stdin: ByteSource | undefined, out: CgiOutput, errors: ReturnType<typeof streamSink>, signal: AbortSignal, development: boolean): Promise<number> {
  const sink = new CgiReplySink(out, signal);
  const length = contentLength ?? "";
  if (length !== "" && !/^[0-9]{1,15}$/.test(length)) {
    const text = `CONTENT_LENGTH ${JSON.stringify(length)} is not a decimal number of bytes\n`;
    sendPlan(planReply({ status: 400, headers: [["content-type", "text/plain; charset=utf-8"]], body: text }, env.REQUEST_METHOD), sink, env, errors, development);
    return 1;
  }
  const bytes = length === "" ? 0 : Number(length);
  if (bytes > 0) env["tsgi.input"] = new RequestInput(exactBody(stdin ?? process.stdin, bytes));
  else if (length === "" && env.HTTP_TRANSFER_ENCODING !== undefined) env["tsgi.input"] = new RequestInput(bodyToEnd(stdin ?? process.stdin));
  const reply = await invoke(app, env, errors, development);
  await sendPlan(planReply(reply, env.REQUEST_METHOD, development), sink, env, errors, development);
  return sink.wasCut || signal.aborted ? 1 : 0;
}
