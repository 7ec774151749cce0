// The sum example written with hono, run as a CGI script the way a hono user would without an adapter:
// build a Fetch Request from the CGI variables, call app.fetch, write the Response as a CGI reply.
// The peer for tsgi's CGI start-up time (`node bench/scenarios/apps/hono-sum-cgi.mjs` with CGI variables).
import { Hono } from "hono";

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const app = new Hono();
app.get("/sum", (c) => {
  const problems = [];
  const values = ["a", "b"].map((name) => {
    const raw = c.req.query(name);
    if (raw === undefined || raw === "") problems.push(`${name} is missing`);
    else if (!NUMBER.test(raw.trim())) problems.push(`${name} must be a number; got ${JSON.stringify(raw)}`);
    return Number(raw);
  });
  if (problems.length > 0) return c.text(problems.join("\n") + "\n", 400);
  return c.text(String(values[0] + values[1]));
});

const env = process.env;
const query = env.QUERY_STRING ? `?${env.QUERY_STRING}` : "";
const headers = new Headers();
for (const [key, value] of Object.entries(env)) {
  if (key.startsWith("HTTP_") && value !== undefined) headers.set(key.slice(5).replace(/_/g, "-").toLowerCase(), value);
}
const request = new Request(`http://${env.SERVER_NAME ?? "localhost"}:${env.SERVER_PORT ?? "80"}${env.PATH_INFO ?? "/"}${query}`, { method: env.REQUEST_METHOD ?? "GET", headers });
const response = await app.fetch(request);
let head = `Status: ${response.status}\r\n`;
for (const [name, value] of response.headers) head += `${name}: ${value}\r\n`;
process.stdout.write(head + "\r\n" + (await response.text()));
