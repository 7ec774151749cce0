// nginx in front of an app server, for the bench: one worker process on the server core, access log
// off, the upstream reached over FastCGI (keep-conn), SCGI, HTTP proxy_pass (keepalive) or FastCGI to
// php-fpm. The config is generated into a temp dir; nginx runs in the foreground.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { placed } from "./cpu.mjs";
import { findBinary, freePort, scratchDir, startProcess } from "./proc.mjs";

/** The nginx binary, or undefined. */
export const NGINX = findBinary("nginx");

/** FastCGI params nginx sends (the CGI variables of RFC 3875 that a responder needs). */
export const FASTCGI_PARAMS = [
  ["QUERY_STRING", "$query_string"],
  ["REQUEST_METHOD", "$request_method"],
  ["CONTENT_TYPE", "$content_type"],
  ["CONTENT_LENGTH", "$content_length"],
  ["SCRIPT_NAME", "$fastcgi_script_name"],
  ["REQUEST_URI", "$request_uri"],
  ["DOCUMENT_URI", "$document_uri"],
  ["DOCUMENT_ROOT", "$document_root"],
  ["SERVER_PROTOCOL", "$server_protocol"],
  ["REQUEST_SCHEME", "$scheme"],
  ["GATEWAY_INTERFACE", "CGI/1.1"],
  ["SERVER_SOFTWARE", "nginx/$nginx_version"],
  ["REMOTE_ADDR", "$remote_addr"],
  ["REMOTE_PORT", "$remote_port"],
  ["SERVER_ADDR", "$server_addr"],
  ["SERVER_PORT", "$server_port"],
  ["SERVER_NAME", "$server_name"],
];

function location(upstream) {
  const params = (directive) => FASTCGI_PARAMS.map(([name, value]) => `      ${directive} ${name} ${value};`).join("\n");
  switch (upstream.kind) {
    case "fastcgi":
      // The app is mounted at the root: SCRIPT_NAME empty, PATH_INFO the whole path.
      return `    location / {
${params("fastcgi_param").replace("$fastcgi_script_name", '""')}
      fastcgi_param PATH_INFO $uri;
      fastcgi_pass app;
      fastcgi_keep_conn on;
    }`;
    case "php":
      return `    location / {
${params("fastcgi_param")}
      fastcgi_param SCRIPT_FILENAME ${upstream.script};
      fastcgi_pass app;
    }`;
    case "scgi":
      // nginx sends CONTENT_LENGTH first itself (a second one is a protocol error); SCGI=1 is ours to send.
      return `    location / {
${FASTCGI_PARAMS.filter(([name]) => name !== "CONTENT_LENGTH").map(([name, value]) => `      scgi_param ${name} ${value === "$fastcgi_script_name" ? '""' : value};`).join("\n")}
      scgi_param SCGI 1;
      scgi_param PATH_INFO $uri;
      scgi_pass app;
    }`;
    case "http":
      return `    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }`;
    default:
      throw new Error(`unknown upstream kind ${upstream.kind}`);
  }
}

/**
 * The nginx.conf text for listening on `port` and passing everything to `upstream` { kind, port,
 * keepalive, script }: `keepalive` idle upstream connections (32 by default; 0: a new connection per
 * request, as SCGI always has).
 */
export function nginxConfig(dir, port, upstream) {
  const keepalive = upstream.kind === "php" || upstream.kind === "scgi" || upstream.keepalive === 0 ? "" : `\n    keepalive ${upstream.keepalive ?? 32};`;
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  scgi_temp_path ${dir}/scgi;
  uwsgi_temp_path ${dir}/uwsgi;
  upstream app {
    server 127.0.0.1:${upstream.port};${keepalive}
  }
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
${location(upstream)}
  }
}
`;
}

/** Starts nginx on the server core in front of `upstream`. Resolves { pid, port, url(path), stop() }. */
export async function startNginx(upstream) {
  if (NGINX === undefined) throw new Error("nginx is not installed");
  const scratch = scratchDir("tsgi-bench-nginx-");
  const dir = scratch.path;
  for (const sub of ["body", "proxy", "fastcgi", "scgi", "uwsgi"]) mkdirSync(join(dir, sub));
  const port = await freePort();
  writeFileSync(join(dir, "nginx.conf"), nginxConfig(dir, port, upstream));
  const [command, args] = placed("server", NGINX, ["-c", join(dir, "nginx.conf"), "-p", dir, "-e", join(dir, "error.log")]);
  const server = await startProcess(command, args, { port }).catch((error) => { scratch.remove(); throw error; });
  return {
    pid: server.pid,
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    async stop() { await server.stop(); scratch.remove(); },
  };
}
