// The sum example as a CGI script under a real Apache httpd: prefork + mod_cgi, and event + mod_cgid
// (with the shared-host .htaccess setup). Never skipped in CI.
import { describe } from "vitest";
import { cgiHostCases, startApache } from "../support/cgi-hosts.js";
import { haveBinaries } from "../support/daemon.js";

describe.runIf(haveBinaries("apache2", "setsid"))("CGI under Apache httpd", () => {
  describe("prefork + mod_cgi", () => {
    cgiHostCases(() => startApache("prefork"), { htaccess: true });
  });
  describe("event + mod_cgid", () => {
    cgiHostCases(() => startApache("event"), { htaccess: true });
  });
});
