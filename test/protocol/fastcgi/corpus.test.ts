// The FastCGI corpus through the sans-I/O session: whole, in 7-byte slices, one byte at a time, and at random cuts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeBeginRequest, encodePairs, encodeRecord, RecordType, Role } from "tsgi/protocol/fastcgi";
import { fixtureBytes, manifest, matches, run } from "./corpus.js";

describe("FastCGI corpus (codec)", () => {
  it("has fixtures", () => {
    expect(manifest.length).toBeGreaterThan(20);
  });

  for (const fixture of manifest) {
    describe(`${fixture.file}: ${fixture.description}`, () => {
      const bytes = fixtureBytes(fixture.file);

      it("reports the expected events when sent whole", () => {
        const { events } = run(bytes, fixture.options);
        expect(matches(events, fixture.events), `got ${JSON.stringify(events)}`).toBe(true);
      });

      it("reports the same events in 7-byte slices and byte by byte", () => {
        const sevens = Array.from({ length: Math.floor(bytes.length / 7) }, (_, i) => (i + 1) * 7);
        expect(matches(run(bytes, fixture.options, sevens).events, fixture.events)).toBe(true);
        if (bytes.length < 5000) {
          const ones = Array.from({ length: bytes.length }, (_, i) => i + 1);
          expect(matches(run(bytes, fixture.options, ones).events, fixture.events)).toBe(true);
        }
      });

      it("reports the same events at random cut points", () => {
        fc.assert(
          fc.property(fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 12 }), (cuts) => {
            const { events } = run(bytes, fixture.options, [...cuts].sort((a, b) => a - b));
            return matches(events, fixture.events);
          }),
          { numRuns: 40 },
        );
      });
    });
  }

  it("keeps the STDIN body intact across a 65535-byte record with 255 padding bytes", () => {
    const { body } = run(fixtureBytes("stdin-max-record.hex"), undefined, [100, 30_000, 65_600]);
    const got = Buffer.concat(body.get(1) ?? []);
    expect(got.length).toBe(65535);
    expect(got.every((byte) => byte === 0x5a)).toBe(true);
  });

  it("decodes 1- and 4-byte lengths to the same pairs however the stream is cut", () => {
    const bytes = fixtureBytes("long-lengths.hex");
    for (const cuts of [[], [9], [20, 21, 22, 150, 151]]) {
      const params = run(bytes, undefined, cuts).params.get(1);
      expect(params).toEqual([["X_" + "N".repeat(200), "v".repeat(300)], ["SHORT", "s"], ["EMPTY", ""]]);
    }
  });

  it("gathers PARAMS sent as one-byte records into the same pairs", () => {
    const pairs: Array<[string, string]> = [["REQUEST_METHOD", "GET"], ["X_" + "L".repeat(150), "v".repeat(700)], ["PATH_INFO", "/a"]];
    const block = encodePairs(pairs);
    const records = [encodeBeginRequest(1, Role.RESPONDER, true)];
    for (const byte of block) records.push(encodeRecord(RecordType.PARAMS, 1, Buffer.from([byte])));
    records.push(encodeRecord(RecordType.PARAMS, 1), encodeRecord(RecordType.STDIN, 1));
    const rec = run(Buffer.concat(records), undefined, [5, 100, 3000]);
    expect(rec.params.get(1)).toEqual(pairs);
    expect(rec.events[rec.events.length - 1]).toBe("stdin-end 1");
  });

  it("yields the same env for a request whole and with a pair split across PARAMS records", () => {
    const whole = run(fixtureBytes("get.hex"), undefined).params.get(1);
    const split = run(fixtureBytes("pair-split-across-records.hex"), undefined, [3, 17]).params.get(1);
    expect(split).toEqual(whole);
    expect(whole).toContainEqual(["QUERY_STRING", "a=1&b=2"]);
  });
});
