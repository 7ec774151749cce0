// The app every FastCGI/SCGI interop suite runs: examples/sum unchanged at /sum, plus routes for a
// large upload, a large streamed reply and an endless reply whose client goes away.
import { createHash } from "node:crypto";
import type { App, Env, Reply } from "tsgi";
import sum from "../../examples/sum/app.js";

const TEXT: Array<[string, string]> = [["content-type", "text/plain"]];
let aborted = 0;

function text(body: string): Reply {
  return { status: 200, headers: [...TEXT], body };
}

async function upload(env: Env): Promise<Reply> {
  const hash = createHash("sha256");
  let length = 0;
  for await (const chunk of env["tsgi.input"]) {
    hash.update(chunk);
    length += chunk.byteLength;
  }
  return text(`${length} ${hash.digest("hex")}`);
}

/** The bytes of /stream?n=N: a repeating pattern, so the client can check them. */
export function pattern(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7) & 0xff;
  return out;
}

async function* streamed(n: number): AsyncGenerator<Uint8Array> {
  const whole = pattern(n);
  for (let off = 0; off < n; off += 100_000) yield whole.subarray(off, Math.min(n, off + 100_000));
}

async function* endless(signal: AbortSignal): AsyncGenerator<string> {
  const chunk = "x".repeat(16 * 1024);
  try {
    while (!signal.aborted) {
      yield chunk;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    if (signal.aborted) aborted++;
  }
}

const app: App = async (env) => {
  const query = new URLSearchParams(env.QUERY_STRING);
  switch (env.PATH_INFO) {
    case "/upload":
      return upload(env);
    case "/stream":
      return { status: 200, headers: [...TEXT], body: streamed(Number(query.get("n") ?? "1000")) };
    case "/endless": {
      const signal = env["tsgi.signal"];
      signal.addEventListener("abort", () => undefined);
      return { status: 200, headers: [...TEXT], body: endless(signal) };
    }
    case "/aborted":
      return text(String(aborted));
    case "/env":
      return { status: 200, headers: [["content-type", "application/json"]], body: JSON.stringify({ SCRIPT_NAME: env.SCRIPT_NAME, PATH_INFO: env.PATH_INFO, QUERY_STRING: env.QUERY_STRING }) };
    default:
      return sum(env);
  }
};

export default app;
