// The configs in docs/servers/fastcgi.md and scgi.md are the ones the interop tests run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apacheFcgiSite, apacheScgiSite, lighttpdFastCgiSite, lighttpdScgiSite, nginxFastCgiSite, nginxScgiSite } from "../../support/fcgi-hosts.js";

const DOCS = join(import.meta.dirname, "../../../docs/servers");
const fastcgi = readFileSync(join(DOCS, "fastcgi.md"), "utf8");
const scgi = readFileSync(join(DOCS, "scgi.md"), "utf8");

describe("FastCGI and SCGI docs", () => {
  it("show the generated nginx, lighttpd and Apache FastCGI configs verbatim", () => {
    expect(fastcgi).toContain(nginxFastCgiSite({ backend: "127.0.0.1:9000", listen: "80", keepConn: true }));
    expect(fastcgi).toContain(nginxFastCgiSite({ backend: "unix:/run/tsgi/app.sock", listen: "80", keepConn: false }));
    expect(fastcgi).toContain(lighttpdFastCgiSite({ socket: "/run/lighttpd/tsgi-app.sock", binPath: "/srv/app/app.fcgi", procs: 2 }));
    expect(fastcgi).toContain(apacheFcgiSite({ host: "127.0.0.1", port: 9000 }));
  });

  it("show the generated nginx and lighttpd SCGI configs verbatim", () => {
    expect(scgi).toContain(nginxScgiSite({ backend: "127.0.0.1:4000", listen: "80" }));
    expect(scgi).toContain(lighttpdScgiSite({ host: "127.0.0.1", port: 4000 }));
    expect(scgi).toContain(apacheScgiSite({ host: "127.0.0.1", port: 4000 }));
  });
});
