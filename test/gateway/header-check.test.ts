// The header rule's fast checks agree with the rule as the spec writes it (RFC 9110 token; a value of
// HTAB, 0x20–0x7E and 0x80–0xFF only), on any string, including the characters around every boundary.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isToken, nameProblem, valueClass, valueProblem } from "../../src/gateway/header-check.js";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/;
const EDGES = [0x00, 0x08, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x22, 0x28, 0x2c, 0x2f, 0x3a, 0x40, 0x5b, 0x7b, 0x7e, 0x7f, 0x80, 0xe9, 0xff, 0x100, 0x10a, 0x10d, 0x2028, 0xfeff];
const text = fc.array(fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: 0, max: 0x17f })), { maxLength: 12 })
  .map((codes) => String.fromCharCode(...codes));

describe("header checks", () => {
  it("isToken is the RFC 9110 token rule", () => {
    fc.assert(fc.property(text, (name) => {
      expect(isToken(name)).toBe(TOKEN.test(name));
      expect(nameProblem(name) === undefined).toBe(TOKEN.test(name));
    }), { numRuns: 2000 });
  });

  it("valueClass: -1 exactly when a character cannot be sent as itself; 2 for obs-text, 1 for HTAB, 0 for printable ASCII", () => {
    fc.assert(fc.property(text, (value) => {
      const bad = UNSENDABLE.exec(value);
      const kind = valueClass(value);
      if (bad !== null) {
        expect(kind).toBe(-1);
        expect(valueProblem("x", value)).toContain(`at index ${bad.index}`);
        return;
      }
      expect(valueProblem("x", value)).toBeUndefined();
      expect(kind).toBe(/[\x80-\xff]/.test(value) ? 2 : value.includes("\t") ? 1 : 0);
    }), { numRuns: 2000 });
  });

  it("names the character and the fix", () => {
    expect(valueProblem("location", "/a\u010d\u010aSet-Cookie: x=1")).toBe("header location: its value holds U+010D at index 2, which cannot be sent as itself; percent-encode it (encodeURI for a URL) or use RFC 8187 encoding");
    expect(valueProblem("x-a", "a\r\nb")).toBe("header x-a: its value holds CR at index 1, which cannot be sent as itself; remove control characters (header values are one line of text)");
  });
});
