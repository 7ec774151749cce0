// Name-value pairs: values decoded by kind (Latin-1 headers, UTF-8 otherwise), whether the block is all ASCII or not.
import { describe, expect, it } from "vitest";
import { decodePairs, encodePairs } from "../../../src/protocol/fastcgi/pairs.js";

const block = (pairs: Array<[string, string]>): Buffer => encodePairs(pairs);

describe("decodePairs", () => {
  it("decodes an all-ASCII block and a mixed one alike: header values one char per byte, other values as UTF-8", () => {
    const utf8 = Buffer.from("caf\u00e9").toString("latin1");
    for (const pairs of [[["PATH_INFO", "/a"], ["HTTP_X", "b"]], [["PATH_INFO", "/caf\u00e9"], ["HTTP_X", "caf\u00e9"]]] as Array<Array<[string, string]>>) {
      const decoded = decodePairs(block(pairs), { maxCount: 10 });
      expect(decoded).toEqual(pairs.map(([name, value]) => [name, name.startsWith("HTTP_") && value !== "b" ? utf8 : value]));
    }
  });
});
