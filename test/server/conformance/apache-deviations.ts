// What Apache httpd itself does differently from the corpus rules, under mod_cgi and mod_proxy_fcgi alike.
import type { Runner } from "./runner.js";

export const APACHE_DEVIATIONS: NonNullable<Runner["deviations"]> = {
  "echo-headers": {
    why: "Apache joins repeated request fields, Cookie included, with \", \" before the app sees them (RFC 6265 wants \"; \")",
    expect: {
      body: JSON.stringify({ custom: "v1", accept: "text/plain", cookie: "a=1, b=2", proxy: null, proxyKeys: [] }) + "\n",
    },
  },
};
