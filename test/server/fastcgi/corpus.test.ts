// The malformed-input corpus against a live FastCGI server: every fixture gets a protocol answer or a
// clean close, never a crash or a hang, while another connection keeps being served, and a new connection
// opened afterwards is served too.
import { describe, expect, it } from "vitest";
import { RecordType } from "tsgi/protocol/fastcgi";
import { fixtureBytes, manifest } from "../../protocol/fastcgi/corpus.js";
import { cgiParams, parseCgiResponse } from "../../support/cgi-response.js";
import { start, sleep, TEXT, waitFor } from "./harness.js";

describe("FastCGI corpus against a live server", () => {
  for (const fixture of manifest) {
    it(`${fixture.file}: ${fixture.description}`, async () => {
      const { client, server } = await start(() => ({ status: 200, headers: [TEXT], body: "fine" }), {
        ...(fixture.options?.multiplex === undefined ? {} : { multiplex: fixture.options.multiplex }),
        ...(fixture.options?.maxParamsBytes === undefined ? {} : { maxParamsBytes: fixture.options.maxParamsBytes }),
        ...(fixture.options?.maxParams === undefined ? {} : { maxParams: fixture.options.maxParams }),
      });
      const bystander = await client();
      const victim = await client();
      await victim.send(fixtureBytes(fixture.file), 7);
      const fatal = fixture.events.some((event) => event.startsWith("error "));
      if (fatal) {
        expect(await waitFor(() => victim.ended, 3000)).toBe(true);
      } else {
        await sleep(100);
        const asksToClose = fixture.events.some((event) => event.startsWith("begin ") && event.endsWith(" close"));
        expect(victim.ended).toBe(asksToClose);
        for (const event of fixture.events) {
          const [kind, id, status] = event.split(" ");
          if (kind === "unknown-type") expect(victim.records.some((r) => r.type === RecordType.UNKNOWN_TYPE && r.content[0] === Number(id))).toBe(true);
          if (kind === "get-values") expect(victim.records.some((r) => r.type === RecordType.GET_VALUES_RESULT)).toBe(true);
          if (kind === "reject") {
            expect(await waitFor(() => victim.records.some((r) => r.type === RecordType.END_REQUEST && r.id === Number(id) && r.content[4] === Number(status)))).toBe(true);
          }
          if (kind === "params-rejected") {
            const out = victim.records.filter((r) => r.type === RecordType.STDOUT && r.id === Number(id)).map((r) => r.content);
            expect(parseCgiResponse(Buffer.concat(out)).status).toBe(431);
          }
        }
      }
      const served = await bystander.request(cgiParams("GET", "/"));
      expect(parseCgiResponse(served.stdout).body.toString()).toBe("fine");
      victim.close();
      expect(await waitFor(() => server.inFlight === 0)).toBe(true);
      const newcomer = await client();
      const again = await newcomer.request(cgiParams("GET", "/"));
      expect(parseCgiResponse(again.stdout).body.toString()).toBe("fine");
      newcomer.close();
    });
  }
});
