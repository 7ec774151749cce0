// The sum example as a CGI script under a real lighttpd (mod_cgi). Never skipped in CI.
import { describe } from "vitest";
import { cgiHostCases, startLighttpd } from "../support/cgi-hosts.js";
import { haveBinaries } from "../support/daemon.js";

describe.runIf(haveBinaries("lighttpd"))("CGI under lighttpd mod_cgi", () => {
  cgiHostCases(startLighttpd);
});
