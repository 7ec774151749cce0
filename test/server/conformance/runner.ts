// What a server path is to the corpus: a "runner" starts the corpus app on it once (the tsgi server and
// its front server) and says what its front server adds. Adding a server path = one file in runners/
// that default-exports a Runner; corpus.test.ts runs the whole corpus on every file there.
import type { CorpusExpectation } from "./corpus.js";
import type { RawReply } from "./raw-client.js";

/** A server path, started. */
export interface RunningPath {
  /** The port the client connects to (the front server's, or tsgi's own). */
  readonly port: number;
  /** The path in front of `/<case>`: the CGI script's URL path, "" when the app is mounted at the root. */
  readonly script: string;
  /** The server's log so far: tsgi's log sink, or the front server's error log where a CGI script's stderr goes. */
  log(): string;
  /** The front server's own error log, for failure messages. */
  frontLog?: () => string;
  /**
   * Asks the tsgi server to stop gracefully and resolves once it has (a close() call, or SIGTERM to
   * the pool's master). Undefined where no long-lived tsgi server runs (CGI: a process per request).
   */
  close?: () => Promise<void>;
  /** A second close() means "stop now" (the pool: a second SIGTERM stops at once, docs/servers/pool.md), so a request in flight may be cut. */
  secondCloseStopsAtOnce?: boolean;
  /** Stops everything the runner started; safe after close(). */
  stop(): Promise<void>;
}

/** How to run the corpus on one server path. */
export interface Runner {
  name: string;
  /** Binaries the path needs: missing ones skip it on a developer machine and fail it in CI. */
  binaries: string[];
  /** Header names (lower-case) this path's front server adds to replies, removed before comparing. */
  added: string[];
  /**
   * Whether the client can tell a reply cut short by a failing stream. False for CGI: the end of the
   * script's output is the end of the body, so the front server frames whatever arrived as complete.
   */
  signalsTruncation: boolean;
  /**
   * The front server re-frames every body and drops the app's content-length (Apache, under mod_cgi
   * and mod_proxy_fcgi, sends chunked), so content-length is not compared on this path.
   */
  reframes?: boolean;
  /**
   * Cases where this path's front server itself answers differently from the rule, whatever tsgi
   * sends (each checked against tsgi's own output when it was written down): case name → what the
   * client gets instead, checked exactly so a change is noticed, and why. Such a case is left out of
   * the cross-path comparison for this path.
   */
  deviations?: Record<string, { why: string; expect: Partial<CorpusExpectation> }>;
  /** Every request runs in one process with the abort counter (`/aborted-count`), so a disconnect can be counted. */
  oneProcess: boolean;
  /**
   * The path runs a long-lived tsgi server that `close()` stops (false for CGI, a process per request, and the
   * Fetch bridge, whose host server is not tsgi's): only such paths get the double-close scenario.
   */
  longLived: boolean;
  start(): Promise<RunningPath>;
}

/** Fields every path may add or that frame the connection: never part of what the app said. */
const ALWAYS_FILTERED = ["date", "server", "connection", "keep-alive", "transfer-encoding"];

/** A reply reduced to what the app said: status, the header set, content-length apart, the body. */
export interface NormalReply {
  status: number;
  /** Lower-case names, sorted by name (stable); repeats of a name joined by ", " except set-cookie. */
  headers: Array<[string, string]>;
  contentLength: string | undefined;
  body: Buffer;
}

/** Lower-cases names, joins repeated fields (not set-cookie) and sorts by name, keeping each name's order. */
export function headerSet(fields: Array<[string, string]>, drop: readonly string[] = []): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [rawName, value] of fields) {
    const name = rawName.toLowerCase();
    if (drop.includes(name) || name === "content-length") continue;
    const seen = name === "set-cookie" ? undefined : out.find(([key]) => key === name);
    if (seen !== undefined) seen[1] = `${seen[1]}, ${value}`;
    else out.push([name, value]);
  }
  return out.map((pair, index) => ({ pair, index }))
    .sort((a, b) => (a.pair[0] < b.pair[0] ? -1 : a.pair[0] > b.pair[0] ? 1 : a.index - b.index))
    .map(({ pair }) => pair);
}

/** What the client received, without the runner's front-server fields. */
export function normalise(reply: RawReply, runner: Runner): NormalReply {
  const lengths = reply.headers.filter(([name]) => name.toLowerCase() === "content-length").map(([, value]) => value);
  return {
    status: reply.status,
    headers: headerSet(reply.headers, [...ALWAYS_FILTERED, ...runner.added]),
    contentLength: lengths.length === 0 ? undefined : lengths.join(", "),
    body: reply.body,
  };
}
