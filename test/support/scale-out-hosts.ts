// The nginx site of docs/deploy/scale-out.md: one upstream over several tsgi FastCGI pools (machines),
// and, for tests, one extra server per backend that reaches it directly.
import { NGINX_FASTCGI_PARAMS } from "./fcgi-hosts.js";

/** The site: `upstream penny` over `backends`, served on `listen`; `direct[i]` listens for `backends[i]` alone. */
export function scaleOutSite(options: { backends: string[]; listen: string; direct?: string[] }): string {
  const upstream = `upstream penny {\n${options.backends.map((backend) => `    server ${backend};\n`).join("")}    keepalive 16;\n}\n`;
  const server = (port: string, pass: string): string => `
server {
  listen ${port};
  location / {
    fastcgi_pass ${pass};
    fastcgi_keep_conn on;
    add_header X-Backend $upstream_addr always;
${NGINX_FASTCGI_PARAMS}
  }
}
`;
  const direct = options.direct ?? [];
  return upstream + server(options.listen, "penny") + direct.map((port, i) => server(port, options.backends[i] as string)).join("");
}
