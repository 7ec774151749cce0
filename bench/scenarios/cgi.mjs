// CGI per-request time: a process per request, so what counts is start-up. The sum example's CGI
// script against bare `node -e 0`, a minimal node CGI script and the same app written with hono (run
// through app.fetch), run directly with a clean environment
// (as a web server gives one: `env -i PATH=...`) and through lighttpd's mod_cgi (wrk, one connection).
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LIGHTTPD, startLighttpd } from "../lib/lighttpd.mjs";
import { get } from "../lib/measure.mjs";
import { scratchDir } from "../lib/proc.mjs";
import { runWrk } from "../lib/wrk.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HONO_CGI = fileURLToPath(new URL("./apps/hono-sum-cgi.mjs", import.meta.url));
const CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin";
const SUM_QUERY = "a=1&b=2";

/** The sum example's executable CGI script, or undefined when the example has none yet. */
export function sumCgiScript() {
  for (const dir of ["dist/examples/sum/cgi-bin", "examples/sum/cgi-bin"]) {
    const path = join(ROOT, dir);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path).sort()) {
      const file = join(path, name);
      const stat = statSync(file);
      if (stat.isFile() && (stat.mode & 0o111) !== 0) return resolve(file);
    }
  }
  return undefined;
}

/** A minimal CGI script in node: the floor for any node CGI. */
function minimalCgi(dir) {
  const file = join(dir, "minimal.cgi");
  writeFileSync(file, `#!${process.execPath}\nprocess.stdout.write("Status: 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n3");\n`);
  chmodSync(file, 0o755);
  return file;
}

const cgiEnv = (query) => ({
  PATH: CLEAN_PATH,
  GATEWAY_INTERFACE: "CGI/1.1",
  REQUEST_METHOD: "GET",
  SCRIPT_NAME: "/cgi-bin/sum.cgi",
  PATH_INFO: "/sum",
  QUERY_STRING: query,
  SERVER_NAME: "127.0.0.1",
  SERVER_PORT: "80",
  SERVER_PROTOCOL: "HTTP/1.1",
  REMOTE_ADDR: "127.0.0.1",
});

/** Runs a command to completion; resolves { ms, code, stdout }. */
function timed(command, args, env) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "ignore"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => { stdout += chunk; });
    child.once("error", fail);
    child.once("close", (code) => done({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout }));
  });
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p90: at(0.9), min: sorted[0], mean: samples.reduce((a, b) => a + b, 0) / samples.length, runs: samples.length };
}

/** A row run directly: setup checks the answer (3 warm-up runs), each sample times `runs` more. */
function directRow(command, args, env, expect, runs) {
  return async () => {
    for (let i = 0; i < 3; i++) {
      const warm = await timed(command, args, env);
      if (warm.code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${warm.code}`);
      if (expect !== undefined && !warm.stdout.endsWith(expect)) throw new Error(`${command} answered ${JSON.stringify(warm.stdout.slice(0, 200))}, expected a body of ${JSON.stringify(expect)}`);
    }
    return {
      async sample() {
        const samples = [];
        for (let i = 0; i < runs; i++) samples.push((await timed(command, args, env)).ms);
        const timing = summary(samples);
        return { value: timing.median, timing };
      },
    };
  };
}

/** A row through lighttpd: setup starts lighttpd and checks the answer, each sample is wrk with one connection. */
function lighttpdRow(script, settings) {
  return async () => {
    const scratch = scratchDir("tsgi-bench-cgi-");
    const cgiDir = join(scratch.path, "cgi-bin");
    mkdirSync(cgiDir);
    const name = script === "minimal" ? "minimal.cgi" : "sum.cgi";
    if (script === "minimal") minimalCgi(cgiDir); else symlinkSync(script, join(cgiDir, name));
    let lighttpd;
    const stop = async () => { await lighttpd?.stop(); scratch.remove(); };
    try {
      lighttpd = await startLighttpd(cgiDir);
      const url = lighttpd.url(`/cgi-bin/${name}/sum?${SUM_QUERY}`);
      const check = await get(url);
      if (check.status !== 200 || check.body.trim() !== "3") throw new Error(`lighttpd CGI ${name} answered ${check.status} ${JSON.stringify(check.body.slice(0, 300))}`);
      return {
        async sample() {
          const report = await runWrk(url, { seconds: settings.cgiSeconds, connections: 1 });
          if (report.requests === 0) throw new Error("no request completed");
          return { value: 1000 / report.rps, ...report };
        },
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  };
}

/** The groups of this family. */
export async function groups(settings) {
  const sum = sumCgiScript();
  const noSum = () => (sum === undefined ? "the sum example has no CGI script yet (examples/sum/cgi-bin/)" : undefined);
  const noLighttpd = () => (LIGHTTPD === undefined ? "lighttpd is not installed" : noSum());
  const scratch = scratchDir("tsgi-bench-cgi-direct-");
  const minimal = minimalCgi(scratch.path);
  const runs = Math.max(5, Math.round(settings.cgiRuns / settings.rounds));
  return [
    {
      id: "cgi-direct",
      family: "cgi",
      title: "CGI per-request time, run directly with a clean environment",
      note: `Median over ${settings.rounds} rounds of ${runs} runs each, after 3 warm-up runs; env -i PATH=${CLEAN_PATH} plus the CGI variables, as a web server gives.`,
      unit: "ms/request",
      higherIsBetter: false,
      baseline: "node-e-0",
      cleanup: () => scratch.remove(),
      rows: [
        { id: "tsgi-sum", label: "tsgi sum example (CGI)", tsgi: true, available: noSum, setup: directRow(sum, [], cgiEnv(SUM_QUERY), "3", runs) },
        { id: "minimal", label: "minimal node CGI script", available: () => undefined, setup: directRow(minimal, [], cgiEnv(SUM_QUERY), "3", runs) },
        { id: "hono-sum", label: "hono sum app (CGI via app.fetch)", available: () => undefined, setup: directRow(process.execPath, [HONO_CGI], cgiEnv(SUM_QUERY), "3", runs) },
        { id: "node-e-0", label: "node -e 0", available: () => undefined, setup: directRow(process.execPath, ["-e", "0"], { PATH: CLEAN_PATH }, undefined, runs) },
      ],
    },
    {
      id: "cgi-lighttpd",
      family: "cgi",
      title: "CGI per-request time through lighttpd mod_cgi",
      note: `wrk with one connection, ${settings.rounds} rounds of ${settings.cgiSeconds} s: time per request = 1 / requests per second.`,
      unit: "ms/request",
      higherIsBetter: false,
      baseline: "minimal",
      rows: [
        { id: "tsgi-sum", label: "tsgi sum example (CGI)", tsgi: true, available: noLighttpd, setup: lighttpdRow(sum, settings) },
        { id: "minimal", label: "minimal node CGI script", available: () => (LIGHTTPD === undefined ? "lighttpd is not installed" : undefined), setup: lighttpdRow("minimal", settings) },
      ],
    },
  ];
}
