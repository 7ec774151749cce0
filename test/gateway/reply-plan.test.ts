// The one reply plan every server writes: status, header and body rules, each with a failing case.
import { describe, expect, it } from "vitest";
import type { Reply } from "tsgi";
import { headerProblem, nameProblem, valueProblem } from "../../src/gateway/header-check.js";
import { cgiHeadText, cgiReplyBytes, planReply } from "../../src/gateway/reply-plan.js";

const ok = (headers: Array<[string, string]>, body: Reply["body"] = "hi", status = 200): Reply => ({ status, headers, body });

describe("header rule", () => {
  it("accepts tokens and values whose characters are sent as themselves (ASCII, HTAB, Latin-1)", () => {
    expect(headerProblem("X-Custom_1", "a\tb ~ caf\u00e9 \u00ff")).toBeUndefined();
  });

  it("refuses names that are not tokens", () => {
    for (const name of ["bad name", "x:y", "", "caf\u00e9", "a\r\nb"]) expect(nameProblem(name)).toMatch(/not a token/);
  });

  it("refuses CR, LF, NUL, other controls and anything above U+00FF, naming the character and the fix", () => {
    expect(valueProblem("location", "/a\r\nSet-Cookie: x=1")).toMatch(/CR at index 2.*remove control/);
    expect(valueProblem("x", "a\nb")).toMatch(/LF/);
    expect(valueProblem("x", "a\0b")).toMatch(/NUL/);
    expect(valueProblem("x", "a\u0007b")).toMatch(/U\+0007/);
    expect(valueProblem("x", "a\u007fb")).toMatch(/U\+007F/);
    // U+010D U+010A: their low bytes are CR LF — the response-splitting class.
    expect(valueProblem("location", "/x\u010d\u010aSet-Cookie: s=1")).toMatch(/U\+010D.*percent-encode/);
    expect(valueProblem("x", "\u{1F600}")).toMatch(/percent-encode/);
  });
});

describe("reply plan", () => {
  it("checks a header list the app returns again and again, even after it changed in between", () => {
    const shared: Array<[string, string]> = [["content-type", "text/plain"]];
    for (let i = 0; i < 3; i++) expect(planReply(ok(shared), "GET").headers).toEqual([["content-type", "text/plain"], ["content-length", "2"]]);
    shared.push(["location", "/x\u010d\u010aSet-Cookie: s=1"]);
    const bad = planReply(ok(shared), "GET");
    expect([bad.status, bad.problem]).toEqual([500, expect.stringMatching(/U\+010D/)]);
    shared.pop();
    expect(planReply(ok(shared, "hello"), "GET").headers).toEqual([["content-type", "text/plain"], ["content-length", "5"]]);
    shared[0] = ["content-type", "text/html\r\nx: 1"];
    expect(planReply(ok(shared), "GET").status).toBe(500);
  });

  it("adds the content-length of a whole body and keeps the app's headers untouched", () => {
    const headers: Array<[string, string]> = [["content-type", "text/plain"]];
    const plan = planReply(ok(headers, "h\u00e9"), "GET");
    expect(plan.headers).toEqual([["content-type", "text/plain"], ["content-length", "3"]]);
    expect(headers).toHaveLength(1);
    expect([plan.status, plan.reason, plan.whole, plan.problem]).toEqual([200, "OK", "h\u00e9", undefined]);
  });

  it("turns an invalid header into a 500 plan with the reason, never the bytes", () => {
    const plan = planReply(ok([["location", "/\u010d\u010aSet-Cookie: evil=1"]]), "GET");
    expect(plan.status).toBe(500);
    expect(plan.reason).toBe("Internal Server Error");
    expect(plan.problem).toMatch(/header location.*U\+010D/);
    expect(JSON.stringify(plan.headers)).not.toContain("evil");
    expect(plan.whole).toBe("Internal Server Error\n");
    expect(planReply(ok([["bad name", "x"]]), "GET").problem).toMatch(/not a token/);
  });

  it("shows the reason in development only", () => {
    expect(planReply(ok([["x", "a\nb"]]), "GET", true).whole).toMatch(/LF/);
  });

  it("refuses statuses outside 200-599, naming 1xx as not final", () => {
    expect(planReply(ok([], "", 103), "GET").problem).toMatch(/1xx status cannot be a final reply/);
    expect(planReply(ok([], "", 600), "GET").status).toBe(500);
    expect(planReply(ok([], "", 200.5), "GET").status).toBe(500);
  });

  it("sends HEAD the headers of GET and no body", () => {
    const plan = planReply(ok([], "hello"), "HEAD");
    expect(plan.headers).toEqual([["content-length", "5"]]);
    expect(plan.whole).toBeNull();
  });

  it("drops the body of 204 (and its content-length) and of 304 (keeping the app's length)", () => {
    const noContent = planReply(ok([["content-length", "5"]], "hello", 204), "GET");
    expect([noContent.whole, noContent.headers]).toEqual([null, []]);
    const notModified = planReply(ok([["content-length", "5"], ["etag", "\"a\""]], "hello", 304), "GET");
    expect([notModified.whole, notModified.headers]).toEqual([null, [["content-length", "5"], ["etag", "\"a\""]]]);
    const stream = (function* () { yield "x"; })();
    expect(planReply(ok([], stream, 204), "GET").discard).toBe(stream);
  });

  it("refuses a content-length that disagrees with a whole body, twice given, or not decimal", () => {
    expect(planReply(ok([["content-length", "3"]], "hello"), "GET").problem).toMatch(/says 3 but the body has 5/);
    expect(planReply(ok([["content-length", "5"], ["Content-Length", "5"]], "hello"), "GET").problem).toMatch(/more than one/);
    expect(planReply(ok([["content-length", "-1"]], "hello"), "GET").problem).toMatch(/not a decimal/);
  });

  it("refuses a Status header and drops hop-by-hop fields", () => {
    expect(planReply(ok([["Status", "302 Found"]]), "GET").problem).toMatch(/Status header/);
    const plan = planReply(ok([["connection", "close"], ["x-a", "1"], ["Transfer-Encoding", "chunked"]]), "GET");
    expect(plan.headers).toEqual([["x-a", "1"], ["content-length", "2"]]);
  });

  it("refuses a body that is neither text, bytes nor an iterable", () => {
    expect(planReply(ok([], 42 as unknown as string), "GET").problem).toMatch(/the body is a number/);
    expect(planReply(ok([], new ArrayBuffer(2) as unknown as string), "GET").problem).toMatch(/wrap it/);
    expect(planReply(ok([], {} as unknown as string), "GET").problem).toMatch(/not iterable/);
  });

  it("streams an iterable body without a length", () => {
    const body = (async function* () { yield "a"; })();
    const plan = planReply(ok([], body), "GET");
    expect([plan.stream, plan.whole, plan.headers]).toEqual([body, null, []]);
  });

  it("writes the CGI head as Status, fields and the blank line", () => {
    expect(cgiHeadText(planReply(ok([["content-type", "text/plain"]], ""), "GET")))
      .toBe("Status: 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 0\r\n\r\n");
  });
});

describe("cgiReplyBytes", () => {
  it("writes the head as Latin-1 and the body as UTF-8 (a string) or as given (bytes), in one array", () => {
    const plan = planReply({ status: 200, headers: [["x-name", "caf\u00e9"]], body: "\u20ac" }, "GET");
    const bytes = Buffer.from(cgiReplyBytes(plan, plan.whole));
    expect(bytes.equals(Buffer.concat([Buffer.from("Status: 200 OK\r\nx-name: caf\u00e9\r\ncontent-length: 3\r\n\r\n", "latin1"), Buffer.from("\u20ac")]))).toBe(true);
    expect(Buffer.from(cgiReplyBytes(plan, Uint8Array.of(1, 2))).subarray(-2)).toEqual(Buffer.from([1, 2]));
    const head = planReply({ status: 204, headers: [], body: null }, "GET");
    expect(Buffer.from(cgiReplyBytes(head, null)).toString("latin1")).toBe("Status: 204 No Content\r\n\r\n");
  });
});
