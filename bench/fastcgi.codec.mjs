// The FastCGI codec alone (no sockets): a typical nginx request (BEGIN, 18 PARAMS, empty STDIN) through
// the session — whole, and cut into 7-byte slices — and a hello-world reply through encodeResponse.
// Bounded: about 1 s per row. Build first (npm run build): it loads dist/.
//
//   node bench/fastcgi.codec.mjs
import { encodeBeginRequest, encodeParams, encodeRecord, encodeResponse, FastCgiSession, RecordType } from "../dist/protocol/fastcgi/index.js";

const PARAMS = [
  ["REQUEST_METHOD", "GET"], ["QUERY_STRING", "a=1&b=2"], ["CONTENT_TYPE", ""], ["CONTENT_LENGTH", ""], ["SCRIPT_NAME", ""],
  ["PATH_INFO", "/sum"], ["REQUEST_URI", "/sum?a=1&b=2"], ["SERVER_PROTOCOL", "HTTP/1.1"], ["GATEWAY_INTERFACE", "CGI/1.1"],
  ["SERVER_SOFTWARE", "nginx/1.22.1"], ["REMOTE_ADDR", "127.0.0.1"], ["REMOTE_PORT", "40000"], ["SERVER_ADDR", "127.0.0.1"],
  ["SERVER_PORT", "80"], ["SERVER_NAME", "localhost"], ["HTTP_HOST", "127.0.0.1:8080"], ["HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64)"],
  ["HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
];
const request = Buffer.concat([encodeBeginRequest(1, 1, true), encodeParams(1, PARAMS), encodeRecord(RecordType.STDIN, 1)]);
const slices = [];
for (let off = 0; off < request.length; off += 7) slices.push(request.subarray(off, off + 7));

let sink = 0;
let session;
const handler = {
  begin() { sink++; }, params(_id, pairs) { sink += pairs.length; }, paramsRejected() {}, stdin() {},
  stdinEnd(id) { session.finish(id); }, abort() {}, reject() {}, getValues() {}, unknownType() {},
  error(error) { throw error; },
};
session = new FastCgiSession(handler);

function rate(label, fn) {
  for (let i = 0; i < 20_000; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const stop = start + 1_000_000_000n;
  while (process.hrtime.bigint() < stop) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = n / seconds;
  process.stdout.write(`${label.padEnd(48)} ${Math.round(perSecond).toLocaleString("en").padStart(12)} /s  ${(1e9 / perSecond).toFixed(0).padStart(6)} ns each\n`);
}

process.stdout.write(`request: ${request.length} bytes, ${PARAMS.length} params\n`);
rate("parse a request (one chunk)", () => session.receive(request));
rate("parse a request (7-byte slices)", () => { for (const slice of slices) session.receive(slice); });
const head = "Status: 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n\r\n";
const body = Buffer.from("Hello, World!");
rate("encode a hello-world reply (encodeResponse)", () => { sink += encodeResponse(1, head, body).length; });
if (sink === 0) process.stdout.write("\n");
