// Property tests for the FastCGI codec: round trips at random split points, framing invariants, fuzzing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeBeginRequest, encodePairs, encodeParams, encodeRecord, encodeResponse, encodeStream, decodePairs, FastCgiProtocolError,
  FastCgiSession, RecordParser, RecordType, Role,
} from "tsgi/protocol/fastcgi";
import { recorder } from "./corpus.js";

const name = fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"), minLength: 1, maxLength: 300 });
const value = fc.string({ unit: "grapheme", maxLength: 400 });
const pairs = fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 40 });
const body = fc.uint8Array({ maxLength: 150_000 });

function cutsFor(length: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 20 }).map((cuts) => cuts.sort((a, b) => a - b));
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) out.push(bytes.subarray(start, cut));
    start = Math.max(start, cut);
  }
  return out;
}

describe("FastCGI codec properties", () => {
  it("a request's params and body survive encoding and any split", () => {
    fc.assert(
      fc.property(pairs, body, fc.integer({ min: 1, max: 65535 }), fc.nat(), (ps, data, id, seed) => {
        const out: Uint8Array[] = [encodeBeginRequest(id, Role.RESPONDER, true), encodeParams(id, ps)];
        encodeStream(RecordType.STDIN, id, data, out);
        out.push(encodeRecord(RecordType.STDIN, id));
        const bytes = Buffer.concat(out);
        const cuts = fc.sample(cutsFor(bytes.length), { seed, numRuns: 1 })[0] as number[];
        const rec = recorder();
        const session = new FastCgiSession(rec.handler, { maxParamsBytes: 1 << 24 });
        for (const piece of split(bytes, cuts)) session.receive(piece);
        expect(rec.params.get(id)).toEqual(ps);
        expect(Buffer.concat(rec.body.get(id) ?? []).equals(Buffer.from(data))).toBe(true);
        expect(rec.events[rec.events.length - 1]).toBe(`stdin-end ${id}`);
      }),
      { numRuns: 60 },
    );
  });

  it("a reply is framed right: records <= 65535 bytes padded to 8, one empty STDOUT, then END_REQUEST", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }).map((s) => `Status: 200 OK\r\nx-a: ${s.replace(/[^\x20-\x7e]/g, "")}\r\n\r\n`), body, fc.integer({ min: 1, max: 65535 }), fc.nat(), (head, data, id, seed) => {
        const bytes = encodeResponse(id, head, data, 3);
        expect(bytes.length % 8).toBe(0);
        const cuts = fc.sample(cutsFor(bytes.length), { seed, numRuns: 1 })[0] as number[];
        const records: Array<{ type: number; id: number; content: Buffer }> = [];
        const parser = new RecordParser();
        for (const piece of split(bytes, cuts)) parser.push(piece, (type, rid, content) => records.push({ type, id: rid, content: Buffer.from(content) }));
        const stdout = records.filter((r) => r.type === RecordType.STDOUT);
        expect(Buffer.concat(stdout.map((r) => r.content)).equals(Buffer.concat([Buffer.from(head, "latin1"), data]))).toBe(true);
        expect(stdout.filter((r) => r.content.length === 0)).toHaveLength(1);
        expect(stdout[stdout.length - 1]?.content.length).toBe(0);
        const end = records[records.length - 1];
        expect(end?.type).toBe(RecordType.END_REQUEST);
        expect(end?.content.readUInt32BE(0)).toBe(3);
        expect(records.every((r) => r.id === id && r.content.length <= 65535)).toBe(true);
        expect(parser.buffered).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it("encodeStream splits any payload into padded records of at most 65535 bytes that reassemble exactly", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300_000 }), (data) => {
        const out: Uint8Array[] = [];
        encodeStream(RecordType.STDOUT, 9, data, out);
        const bytes = Buffer.concat(out);
        expect(bytes.length % 8).toBe(0);
        const got: Buffer[] = [];
        new RecordParser().push(bytes, (_type, _id, content) => {
          expect(content.length).toBeGreaterThan(0);
          expect(content.length).toBeLessThanOrEqual(65535);
          got.push(Buffer.from(content));
        });
        expect(Buffer.concat(got).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("name-value pairs round-trip, and a block cut short never decodes", () => {
    fc.assert(
      fc.property(pairs.filter((ps) => ps.length > 0), fc.nat(), (ps, at) => {
        const block = encodePairs(ps);
        expect(decodePairs(block, { maxCount: 1000 })).toEqual(ps);
        const cut = at % block.length;
        let result: Array<[string, string]> | undefined;
        try {
          result = decodePairs(block.subarray(0, cut), { maxCount: 1000 });
        } catch (error) {
          expect(error).toBeInstanceOf(FastCgiProtocolError);
          return;
        }
        expect(result.length).toBeLessThan(ps.length);
      }),
      { numRuns: 100 },
    );
  });

  it("decodes UTF-8 values beside ASCII ones and 4-byte lengths, each value exactly", () => {
    const ps: Array<[string, string]> = [["A", "plain"], ["B", "café ☕ 𝄞"], ["C", "x".repeat(200)], ["D", "naïve"], ["E", ""], ["F", "end"]];
    expect(decodePairs(encodePairs(ps), { maxCount: 10 })).toEqual(ps);
  });

  it("random bytes never throw out of a session: they give events or one protocol error, and buffering stays bounded", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 400 }), { maxLength: 30 }), fc.boolean(), (chunks, validStart) => {
        const rec = recorder();
        const session = new FastCgiSession(rec.handler, { maxParamsBytes: 4096, maxParams: 50 });
        if (validStart) session.receive(Buffer.concat([encodeBeginRequest(1, Role.RESPONDER, true)]));
        for (const chunk of chunks) session.receive(chunk);
        expect(rec.events.filter((e) => e.startsWith("error ")).length).toBeLessThanOrEqual(1);
        expect(session.buffered).toBeLessThanOrEqual(8 + 65535 + 255 + 400);
      }),
      { numRuns: 300 },
    );
  });
});
