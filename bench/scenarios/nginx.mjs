// The hello-world app behind one nginx worker: tsgi over FastCGI (keep-conn + upstream keepalive),
// SCGI and HTTP proxy_pass, raw node:http over proxy_pass with and without upstream keepalive (SCGI
// has none, so that is its fair baseline), and php-fpm.
// nginx, the app and php-fpm's children share the server core; wrk runs on the other.
import { startNodeServer, throughputRow } from "../lib/measure.mjs";
import { NGINX, startNginx } from "../lib/nginx.mjs";
import { PHP_FPM, startPhpFpm } from "../lib/php-fpm.mjs";
import { APPS } from "./apps/routes.mjs";

const ROWS = [
  { id: "tsgi-fastcgi", label: "tsgi FastCGI (keep-conn)", impl: "tsgi-bare", protocol: "fastcgi", upstream: "fastcgi" },
  { id: "tsgi-scgi", label: "tsgi SCGI", impl: "tsgi-bare", protocol: "scgi", upstream: "scgi", baseline: "node-http-close" },
  { id: "tsgi-http", label: "tsgi HTTP (proxy_pass, keepalive)", impl: "tsgi-bare", protocol: "http", upstream: "http" },
  { id: "node-http", label: "node:http (proxy_pass, keepalive)", impl: "node-http", protocol: "http", upstream: "http" },
  { id: "node-http-close", label: "node:http (proxy_pass, no keepalive)", impl: "node-http", protocol: "http", upstream: "http", keepalive: 0 },
];

function appRow(row, settings) {
  return throughputRow({
    id: row.id,
    label: row.label,
    tsgi: row.id.startsWith("tsgi"),
    baseline: row.baseline,
    available: async () => {
      if (NGINX === undefined) return "nginx is not installed";
      const module = await import(`./apps/${row.impl}.mjs`);
      return module.available({ protocol: row.protocol });
    },
    start: async () => {
      const app = await startNodeServer({ impl: row.impl, app: "hello", protocol: row.protocol });
      try {
        const nginx = await startNginx({ kind: row.upstream, port: app.port, keepalive: row.keepalive });
        return { url: nginx.url(APPS.hello.path), memoryPids: [app.pid], stop: async () => { await nginx.stop(); await app.stop(); } };
      } catch (error) {
        await app.stop();
        throw error;
      }
    },
    expect: APPS.hello.body,
    settings,
  });
}

function phpRow(settings) {
  return throughputRow({
    id: "php-fpm",
    label: "php-fpm (8 static children)",
    available: () => (NGINX === undefined ? "nginx is not installed" : PHP_FPM === undefined ? "php-fpm is not installed" : undefined),
    start: async () => {
      const php = await startPhpFpm({ children: 8 });
      try {
        const nginx = await startNginx({ kind: "php", port: php.port, script: php.script });
        return { url: nginx.url("/"), memoryPids: [php.pid], stop: async () => { await nginx.stop(); await php.stop(); } };
      } catch (error) {
        await php.stop();
        throw error;
      }
    },
    expect: APPS.hello.body,
    settings,
  });
}

/** The groups of this family. */
export async function groups(settings) {
  return [{
    id: "nginx-hello",
    family: "nginx",
    title: "Behind nginx: hello-world",
    note: "One nginx worker; memory and CPU are the app server's (php-fpm: master and children), not nginx's. SCGI opens a connection per request, so its baseline is node:http without upstream keepalive; FastCGI keeps its connections (keep-conn), so its baseline is node:http with keepalive.",
    unit: "req/s",
    higherIsBetter: true,
    baseline: "node-http",
    charts: ["cpuUs"],
    // Each tsgi row runs right next to what it is compared with: FastCGI beside php-fpm and node:http with
    // keepalive, SCGI beside node:http without.
    runOrder: ["php-fpm", "tsgi-fastcgi", "node-http", "tsgi-http", "node-http-close", "tsgi-scgi"],
    rows: [...ROWS.map((row) => appRow(row, settings)), phpRow(settings)],
  }];
}
