// Config generators for the front servers the FastCGI and SCGI servers run behind (nginx, lighttpd,
// Apache). Each config is the "site" part shown in docs/servers/fastcgi.md and scgi.md (checked
// verbatim by test/server/fastcgi/docs.test.ts) wrapped in the test-only parts: ports, pid and log
// files and temp paths inside a temp dir, everything on 127.0.0.1.
import { join } from "node:path";

/** Where the app listens: `127.0.0.1:9000` or `unix:/run/app.sock`. */
export type Backend = string;

export const NGINX_FASTCGI_PARAMS = `    fastcgi_param  REQUEST_METHOD     $request_method;
    fastcgi_param  QUERY_STRING       $query_string;
    fastcgi_param  CONTENT_TYPE       $content_type;
    fastcgi_param  CONTENT_LENGTH     $content_length;
    fastcgi_param  SCRIPT_NAME        "";
    fastcgi_param  PATH_INFO          $uri;
    fastcgi_param  REQUEST_URI        $request_uri;
    fastcgi_param  SERVER_PROTOCOL    $server_protocol;
    fastcgi_param  REQUEST_SCHEME     $scheme;
    fastcgi_param  HTTPS              $https if_not_empty;
    fastcgi_param  GATEWAY_INTERFACE  CGI/1.1;
    fastcgi_param  SERVER_SOFTWARE    nginx/$nginx_version;
    fastcgi_param  REMOTE_ADDR        $remote_addr;
    fastcgi_param  REMOTE_PORT        $remote_port;
    fastcgi_param  SERVER_ADDR        $server_addr;
    fastcgi_param  SERVER_PORT        $server_port;
    fastcgi_param  SERVER_NAME        $server_name;`;

const NGINX_SCGI_PARAMS = `    scgi_param  REQUEST_METHOD     $request_method;
    scgi_param  QUERY_STRING       $query_string;
    scgi_param  CONTENT_TYPE       $content_type;
    scgi_param  SCRIPT_NAME        "";
    scgi_param  PATH_INFO          $uri;
    scgi_param  REQUEST_URI        $request_uri;
    scgi_param  SCGI               1;
    scgi_param  SERVER_PROTOCOL    $server_protocol;
    scgi_param  REQUEST_SCHEME     $scheme;
    scgi_param  HTTPS              $https if_not_empty;
    scgi_param  REMOTE_ADDR        $remote_addr;
    scgi_param  REMOTE_PORT        $remote_port;
    scgi_param  SERVER_PORT        $server_port;
    scgi_param  SERVER_NAME        $server_name;`;

/**
 * nginx → tsgi FastCGI, the app mounted at `/`. With `keepConn`, an upstream pool of kept connections
 * (`keepalive` + `fastcgi_keep_conn on`): the fast setup. Without, one connection per request.
 */
export function nginxFastCgiSite(options: { backend: Backend; listen: string; keepConn: boolean; requestBuffering?: boolean }): string {
  const upstream = options.keepConn
    ? `upstream tsgi_app {\n    server ${options.backend};\n    keepalive 32;\n}\n\n`
    : "";
  const pass = (options.keepConn ? "    fastcgi_pass tsgi_app;\n    fastcgi_keep_conn on;\n" : `    fastcgi_pass ${options.backend};\n`)
    + (options.requestBuffering === false ? "    fastcgi_request_buffering off;\n" : "");
  return `${upstream}server {
  listen ${options.listen};
  client_max_body_size 64m;
  location / {
${pass}${NGINX_FASTCGI_PARAMS}
  }
}
`;
}

/** nginx → tsgi SCGI, the app mounted at `/`. */
export function nginxScgiSite(options: { backend: Backend; listen: string }): string {
  return `server {
  listen ${options.listen};
  client_max_body_size 64m;
  location / {
    scgi_pass ${options.backend};
${NGINX_SCGI_PARAMS}
  }
}
`;
}

/** The test wrapper around an nginx site: foreground, one worker, files in `dir`. */
export function nginxConfig(dir: string, site: string, workers = 1): string {
  return `worker_processes ${workers};
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "nginx-error.log")} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, "client_body")};
  fastcgi_temp_path ${join(dir, "fastcgi_temp")};
  scgi_temp_path ${join(dir, "scgi_temp")};
  proxy_temp_path ${join(dir, "proxy_temp")};
  uwsgi_temp_path ${join(dir, "uwsgi_temp")};
${site.replace(/^/gm, "  ").replace(/^ +$/gm, "")}}
`;
}

/**
 * lighttpd → tsgi FastCGI in spawn mode: lighttpd starts `binPath` with a listening unix socket on
 * fd 0 and restarts it when it dies. `"fix-root-scriptname"` makes SCRIPT_NAME "" and PATH_INFO the path.
 */
export function lighttpdFastCgiSite(options: { socket: string; binPath: string; procs?: number }): string {
  return `server.modules += ( "mod_fastcgi" )
server.stream-response-body = 1
server.stream-request-body = 1
fastcgi.server = ( "/" => ((
  "socket" => "${options.socket}",
  "bin-path" => "${options.binPath}",
  "max-procs" => ${options.procs ?? 1},
  "check-local" => "disable",
  "fix-root-scriptname" => "enable"
)))
`;
}

/** lighttpd → tsgi SCGI running on its own (started by you or systemd). */
export function lighttpdScgiSite(options: { host: string; port: number }): string {
  return `server.modules += ( "mod_scgi" )
server.stream-response-body = 1
server.stream-request-body = 1
scgi.server = ( "/" => ((
  "host" => "${options.host}",
  "port" => ${options.port},
  "check-local" => "disable",
  "fix-root-scriptname" => "enable"
)))
`;
}

/** The test wrapper around a lighttpd site. */
export function lighttpdConfig(dir: string, port: number, site: string): string {
  return `server.document-root = "${dir}"
server.bind = "127.0.0.1"
server.port = ${port}
server.errorlog = "${join(dir, "lighttpd-error.log")}"
server.upload-dirs = ( "${dir}" )
server.max-request-size = 65536
${site}`;
}

/** Apache → tsgi FastCGI with mod_proxy_fcgi, the app mounted at `/`. */
export function apacheFcgiSite(options: { host: string; port: number }): string {
  return `LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_fcgi_module modules/mod_proxy_fcgi.so
ProxyFCGIBackendType GENERIC
ProxyFCGISetEnvIf "true" SCRIPT_NAME ""
ProxyFCGISetEnvIf "true" PATH_INFO "%{REQUEST_URI}"
ProxyPass "/" "fcgi://${options.host}:${options.port}/" enablereuse=on flushpackets=on
`;
}

/**
 * Apache → tsgi SCGI with mod_proxy_scgi. Apache sends the whole path as SCRIPT_NAME, so start tsgi
 * with `--script-name /` (the `scriptName` option), which re-splits it from REQUEST_URI.
 */
export function apacheScgiSite(options: { host: string; port: number }): string {
  return `LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_scgi_module modules/mod_proxy_scgi.so
ProxyPass "/" "scgi://${options.host}:${options.port}/"
`;
}

/** The test wrapper around an Apache site: event MPM, files in `dir`, modules from Debian's path. */
export function apacheConfig(dir: string, port: number, site: string, modules = "/usr/lib/apache2/modules"): string {
  return `ServerRoot "${dir}"
ServerName 127.0.0.1:${port}
Listen 127.0.0.1:${port}
PidFile "${join(dir, "apache.pid")}"
ErrorLog "${join(dir, "apache-error.log")}"
LogLevel warn
Mutex file:${dir} default
DefaultRuntimeDir "${dir}"
LoadModule mpm_event_module ${modules}/mod_mpm_event.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
User www-data
Group www-data
${site.replace(/modules\//g, `${modules}/`)}`;
}
