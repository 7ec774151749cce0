/**
 * The sum example: `GET /sum?a=1&b=2` answers `3` as text/plain. A missing or non-numeric `a` or `b`
 * gets a 400 that says which and why. A urlencoded POST body works too.
 *
 * It is a bare tsgi app (no framework, no zod) so it starts fast as a CGI script, and it deploys
 * unchanged on every server: `tsgi serve examples/sum/app.ts`, CGI, FastCGI, SCGI, the pool.
 */
import { readText, type App, type Env, type Reply } from "tsgi";

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TEXT: Array<[string, string]> = [["content-type", "text/plain; charset=utf-8"]];

function text(status: number, body: string): Reply {
  return { status, headers: [...TEXT], body };
}

function operand(params: URLSearchParams, name: string): number | string {
  const raw = params.get(name);
  if (raw === null || raw === "") return `${name} is missing: pass it as a number, e.g. /sum?a=1&b=2`;
  if (!NUMBER.test(raw.trim())) return `${name} must be a number; got ${JSON.stringify(raw)}`;
  return Number(raw);
}

async function params(env: Env): Promise<URLSearchParams> {
  const query = new URLSearchParams(env.QUERY_STRING);
  if (env.REQUEST_METHOD === "POST" && (env.CONTENT_TYPE ?? "").startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(await readText(env, { limit: 4096 }))) query.set(key, value);
  }
  return query;
}

/** The sum app. */
const app: App = async (env) => {
  if (env.PATH_INFO !== "/sum" && env.PATH_INFO !== "/sum/") return text(404, `no page at ${env.SCRIPT_NAME}${env.PATH_INFO}; try ${env.SCRIPT_NAME}/sum?a=1&b=2\n`);
  if (env.REQUEST_METHOD !== "GET" && env.REQUEST_METHOD !== "HEAD" && env.REQUEST_METHOD !== "POST") {
    return { status: 405, headers: [...TEXT, ["allow", "GET, HEAD, POST"]], body: "use GET or POST\n" };
  }
  const query = await params(env);
  const a = operand(query, "a");
  const b = operand(query, "b");
  const problems = [a, b].filter((value): value is string => typeof value === "string");
  if (problems.length > 0) return text(400, problems.join("\n") + "\n");
  const sum = (a as number) + (b as number);
  if (!Number.isFinite(sum)) return text(400, `the sum of ${String(a)} and ${String(b)} is too large to represent\n`);
  return text(200, String(sum));
};

export default app;
