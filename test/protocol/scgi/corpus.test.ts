// The SCGI corpus through the sans-I/O header parser: whole, byte by byte and at random cuts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeScgiRequest, ScgiHeaderParser, ScgiProtocolError, type ScgiHeader, type ScgiLimits } from "tsgi/protocol/scgi";

const FIXTURES = join(import.meta.dirname, "../../fixtures/scgi");

interface Fixture {
  file: string;
  description: string;
  expect: "ok" | "incomplete" | "error";
  error?: string;
  pairs?: number;
  contentLength?: number;
  body?: number;
  limits?: ScgiLimits;
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as Fixture[];

type Outcome = { kind: "ok"; header: ScgiHeader; rest: Buffer } | { kind: "incomplete" } | { kind: "error"; message: string };

function parse(bytes: Buffer, limits: ScgiLimits | undefined, cuts: number[] = []): Outcome {
  const parser = new ScgiHeaderParser(limits);
  let start = 0;
  try {
    const pieces = [...cuts, bytes.length];
    for (let i = 0; i < pieces.length; i++) {
      const cut = pieces[i] as number;
      if (cut <= start) continue;
      const header = parser.push(bytes.subarray(start, cut));
      if (header !== undefined) return { kind: "ok", header, rest: Buffer.concat([header.rest, bytes.subarray(cut)]) };
      start = cut;
    }
    return { kind: "incomplete" };
  } catch (error) {
    if (!(error instanceof ScgiProtocolError)) throw error;
    return { kind: "error", message: error.message };
  }
}

function check(outcome: Outcome, fixture: Fixture): void {
  expect(outcome.kind).toBe(fixture.expect);
  if (outcome.kind === "ok") {
    expect(outcome.header.params).toHaveLength(fixture.pairs as number);
    expect(outcome.header.contentLength).toBe(fixture.contentLength);
    expect(outcome.rest.length).toBe(fixture.body ?? 0);
  }
  if (outcome.kind === "error") expect(outcome.message).toContain(fixture.error);
}

describe("SCGI corpus (codec)", () => {
  it("has fixtures", () => {
    expect(manifest.length).toBeGreaterThan(25);
  });

  for (const fixture of manifest) {
    const bytes = readFileSync(join(FIXTURES, fixture.file));
    it(`${fixture.file}: ${fixture.description}`, () => {
      check(parse(bytes, fixture.limits), fixture);
      check(parse(bytes, fixture.limits, Array.from({ length: bytes.length }, (_, i) => i + 1)), fixture);
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 10 }), (cuts) => {
          check(parse(bytes, fixture.limits, [...cuts].sort((a, b) => a - b)), fixture);
        }),
        { numRuns: 30 },
      );
    });
  }

  it("refuses an oversized length after reading its digits, before any header byte is buffered", () => {
    const parser = new ScgiHeaderParser({ maxHeaderBytes: 1000 });
    expect(() => parser.push(Buffer.from("1001"))).toThrow(/larger than the limit of 1000/);
    expect(parser.buffered).toBe(0);
  });

  it("round-trips any header and body at random cuts", () => {
    const name = fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ_"), minLength: 1, maxLength: 40 });
    const value = fc.string({ unit: "grapheme", maxLength: 100 }).filter((v) => !v.includes("\0"));
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 30 }).map((ps) => ps.filter(([n]) => n !== "CONTENT_LENGTH" && n !== "SCGI")),
        fc.uint8Array({ maxLength: 2000 }), fc.nat(), (pairs, body, seed) => {
          const bytes = encodeScgiRequest(pairs, body);
          const cuts = fc.sample(fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 10 }), { seed, numRuns: 1 })[0] as number[];
          const outcome = parse(bytes, undefined, cuts.sort((a, b) => a - b));
          expect(outcome.kind).toBe("ok");
          if (outcome.kind !== "ok") return;
          expect(outcome.header.params).toEqual([["CONTENT_LENGTH", String(body.length)], ["SCGI", "1"], ...pairs]);
          expect(outcome.rest.equals(Buffer.from(body))).toBe(true);
        }),
      { numRuns: 80 },
    );
  });

  it("refuses a repeated name other than HTTP_*, in headers of a few names and of many", () => {
    const name = fc.constantFrom("A", "B", "AB", "BA", "SERVER_NAME", "SERVER_PORT", "SERVER_ADDR", "HTTP_X", "HTTP_COOKIE", "X_1", "X_2");
    fc.assert(
      fc.property(fc.array(name, { maxLength: 60 }), (names) => {
        const pairs = names.map((n, i): [string, string] => [n, String(i)]);
        const plain = names.filter((n) => !n.startsWith("HTTP_"));
        const first = plain.find((n, i) => plain.indexOf(n) !== i);
        const outcome = parse(encodeScgiRequest(pairs, new Uint8Array()), undefined);
        if (first === undefined) expect(outcome.kind).toBe("ok");
        else expect(outcome).toMatchObject({ kind: "error", message: expect.stringContaining(`repeats ${first}`) });
      }),
      { numRuns: 300 },
    );
  });

  it("random bytes only ever give a header, 'incomplete' or a protocol error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        parse(Buffer.from(bytes), { maxHeaderBytes: 200 });
      }),
      { numRuns: 500 },
    );
  });
});
