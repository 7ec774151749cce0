// FastCGI request slots under abuse (issue 12 item 4): one connection must not take every request slot of
// the server by sending BEGIN_REQUESTs it never completes. A per-connection cap (maxReqsPerConn) answers
// OVERLOADED past it; a deadline (paramsTimeoutMs) drops a connection whose request never finishes its PARAMS.
import { describe, expect, it } from "vitest";
import { encodeBeginRequest, encodeGetValues, FCGI_MPXS_CONNS, ProtocolStatus, RecordType, Role } from "tsgi/protocol/fastcgi";
import { fastCgiSettings } from "../../../src/server/fastcgi/options.js";
import { cgiParams, parseCgiResponse } from "../../support/cgi-response.js";
import { start, TEXT, waitFor } from "./harness.js";

const hello = () => ({ status: 200, headers: [TEXT], body: "ok" });

/** BEGIN_REQUEST records for ids `from`..`to`, keep-conn, and nothing else. */
function begins(from: number, to: number): Buffer {
  const out: Uint8Array[] = [];
  for (let id = from; id <= to; id++) out.push(encodeBeginRequest(id, Role.RESPONDER, true));
  return Buffer.concat(out);
}

describe("FastCGI request slots", () => {
  it("one connection sending 5,000 BEGIN_REQUESTs without PARAMS cannot make the server refuse other connections", async () => {
    const { client, server } = await start(hello);
    const cap = fastCgiSettings({}).maxReqsPerConn;
    const flood = await client();
    flood.socket.write(begins(1, 5000));
    const refused = (): number => flood.records.filter((r) => r.type === RecordType.END_REQUEST && r.content[4] === ProtocolStatus.OVERLOADED).length;
    expect(await waitFor(() => refused() === 5000 - cap, 5000)).toBe(true);
    expect(server.inFlight).toBe(cap);
    const other = await client();
    const answer = await other.request(cgiParams("GET", "/"), { id: 1 });
    expect(answer.protocolStatus).toBe(ProtocolStatus.REQUEST_COMPLETE);
    expect(parseCgiResponse(answer.stdout).body.toString()).toBe("ok");
  });

  it("advertises truthfully: FCGI_MPXS_CONNS is 0 when a connection may carry only one request", async () => {
    const single = await start(hello, { maxReqsPerConn: 1 });
    expect(await (await single.client()).getValues([FCGI_MPXS_CONNS])).toEqual([[FCGI_MPXS_CONNS, "0"]]);
    const many = await start(hello, { maxReqsPerConn: 8 });
    expect(await (await many.client()).getValues([FCGI_MPXS_CONNS])).toEqual([[FCGI_MPXS_CONNS, "1"]]);
  });

  it("defaults: a per-connection cap well under maxReqs, and a 10 s PARAMS deadline", () => {
    const settings = fastCgiSettings({});
    expect(settings.maxReqsPerConn).toBeGreaterThan(1);
    expect(settings.maxReqsPerConn * 10).toBeLessThanOrEqual(settings.maxReqs);
    expect(settings.paramsTimeoutMs).toBe(10_000);
    expect(fastCgiSettings({ maxReqs: 4 }).maxReqsPerConn).toBe(4);
  });

  // Enforcement needs src/server/fastcgi/connection.ts (the lead's file) to pass request ids to
  // host.admit/host.release and to call host.started(id) when PARAMS end; see ConnectionAdmission.
  // Until then this fails as it did before the fix, so it is marked `fails`; drop `.fails` once wired.
  it("drops a chatty connection whose request never finishes its PARAMS (the idle timeout never fires), freeing its slot", async () => {
    const { client, server, log } = await start(hello, { paramsTimeoutMs: 300, idleTimeoutMs: 250, maxReqs: 1 });
    const stalled = await client();
    stalled.socket.write(begins(1, 1));
    expect(await waitFor(() => server.inFlight === 1)).toBe(true);
    const chatter = setInterval(() => stalled.socket.write(encodeGetValues([FCGI_MPXS_CONNS])), 50);
    try {
      expect(await waitFor(() => stalled.ended, 1500)).toBe(true);
    } finally {
      clearInterval(chatter);
    }
    expect(server.inFlight).toBe(0);
    expect(log.lines.join("\n")).toContain("request 1 did not finish its PARAMS within paramsTimeoutMs (300 ms)");
    const answer = await (await client()).request(cgiParams("GET", "/"));
    expect(parseCgiResponse(answer.stdout).status).toBe(200);
  });
});
