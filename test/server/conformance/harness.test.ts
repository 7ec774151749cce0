// The corpus harness itself: the raw client's framing verdicts and the header normaliser, on byte
// strings a server could send. If these were wrong the corpus could pass a broken server.
import { describe, expect, it } from "vitest";
import { parseReply } from "./raw-client.js";
import { headerSet, normalise, type Runner } from "./runner.js";

const raw = (text: string): Buffer => Buffer.from(text, "latin1");
const RUNNER: Runner = { name: "test", binaries: [], added: ["accept-ranges"], signalsTruncation: true, oneProcess: true,
  longLived: true, start: () => Promise.reject(new Error("unused")) };

describe("raw client framing", () => {
  it("decodes a complete chunked body and tells a cut one apart", () => {
    const whole = parseReply(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\npartial\n\r\n0\r\n\r\n"), "GET");
    expect(whole.body.toString()).toBe("partial\n");
    expect(whole.complete).toBe(true);
    const cut = parseReply(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\npartial\n\r\n"), "GET");
    expect(cut.body.toString()).toBe("partial\n");
    expect(cut.complete).toBe(false);
  });

  it("counts a content-length body short of its length as cut, and bytes past it as trailing", () => {
    expect(parseReply(raw("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"), "GET")).toMatchObject({ complete: false, trailing: 0 });
    expect(parseReply(raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello"), "GET")).toMatchObject({ complete: true, trailing: 3 });
  });

  it("keeps every byte after the head of a HEAD, 204 or 304 reply as body, so a leaked body shows", () => {
    expect(parseReply(raw("HTTP/1.1 204 No Content\r\nContent-Length: 4\r\n\r\nnope"), "GET").body.toString()).toBe("nope");
    expect(parseReply(raw("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnope"), "HEAD").body.toString()).toBe("nope");
  });

  it("records an interim 1xx before the final reply, and reads header bytes as Latin-1", () => {
    const reply = parseReply(Buffer.concat([raw("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nX-Latin1: caf"), Buffer.from([0xe9]), raw("\r\nContent-Length: 0\r\n\r\n")]), "GET");
    expect(reply.interim).toEqual([103]);
    expect(reply.status).toBe(200);
    expect(reply.headers).toContainEqual(["X-Latin1", "café"]);
  });

  it("reports no reply at all as status 0", () => {
    expect(parseReply(Buffer.alloc(0), "GET")).toMatchObject({ status: 0, complete: false });
  });
});

describe("header normalisation", () => {
  it("lower-cases, joins repeats except set-cookie, sorts by name keeping each name's order", () => {
    expect(headerSet([["X-B", "1"], ["Set-Cookie", "a=1"], ["x-b", "2"], ["set-cookie", "b=2"], ["A", "z"]])).toEqual([
      ["a", "z"], ["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-b", "1, 2"],
    ]);
  });

  it("drops what every server adds and what the runner says its front server adds, and keeps content-length apart", () => {
    const reply = parseReply(raw("HTTP/1.1 200 OK\r\nServer: x\r\nDate: y\r\nAccept-Ranges: bytes\r\nContent-Length: 2\r\nX-App: 1\r\nConnection: close\r\n\r\nok"), "GET");
    expect(normalise(reply, RUNNER)).toMatchObject({ status: 200, headers: [["x-app", "1"]], contentLength: "2" });
  });

  it("keeps a Set-Cookie that arrives, so an injected one fails the case", () => {
    const reply = parseReply(raw("HTTP/1.1 200 OK\r\nx-inject: x\r\nSet-Cookie: evil=1\r\nContent-Length: 0\r\n\r\n"), "GET");
    expect(normalise(reply, RUNNER).headers).toContainEqual(["set-cookie", "evil=1"]);
  });
});
