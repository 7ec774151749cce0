import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { HttpError } from "tsgi";
import { parseMultipart, UploadedFile, type FormFields } from "tsgi/framework";

const enc = new TextEncoder();

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

function body(boundary: string, parts: Array<{ name: string; value: string; filename?: string; type?: string }>, preamble = "", epilogue = ""): Uint8Array {
  let text = preamble;
  for (const part of parts) {
    text += `${text === "" ? "" : "\r\n"}--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) text += `; filename="${part.filename}"`;
    text += "\r\n";
    if (part.type !== undefined) text += `Content-Type: ${part.type}\r\n`;
    text += `\r\n${part.value}`;
  }
  return enc.encode(`${text}\r\n--${boundary}--\r\n${epilogue}`);
}

function simple(fields: FormFields): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof UploadedFile ? { file: v.filename, type: v.type, text: v.text() } : v]));
}

async function rejects(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).status).toBe(status);
  expect((error as HttpError).message).toMatch(message);
}

describe("parseMultipart", () => {
  const sample = body("b", [
    { name: "a", value: "1" },
    { name: "a", value: "2" },
    { name: "doc", value: "x\r\n--c not the boundary\r\n-\r\n--\r\ny", filename: "d.txt", type: "text/plain" },
    { name: "empty", value: "" },
  ], "preamble ignored", "epilogue ignored");
  const expected = { a: ["1", "2"], doc: { file: "d.txt", type: "text/plain", text: "x\r\n--c not the boundary\r\n-\r\n--\r\ny" }, empty: "" };

  it("parses fields, repeated names and files whole and at every chunk size", async () => {
    for (const size of [1, 2, 3, 5, 7, 64, sample.length]) {
      expect(simple(await parseMultipart(chunks(sample, size), "b")), `chunk size ${size}`).toEqual(expected);
    }
  });

  it("round-trips arbitrary binary content split anywhere", async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 40 }), async (data, size) => {
      const boundary = "----fc";
      const head = enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="bin"\r\n\r\n`);
      const tail = enc.encode(`\r\n--${boundary}--`);
      const all = new Uint8Array(head.length + data.length + tail.length);
      all.set(head);
      all.set(data, head.length);
      all.set(tail, head.length + data.length);
      const fields = await parseMultipart(chunks(all, size), boundary);
      expect((fields.f as UploadedFile).bytes).toEqual(data);
    }), { numRuns: 200 });
  });

  it("decodes RFC 5987 filename* and keeps quoted escapes", async () => {
    const text = `--q\r\nContent-Disposition: form-data; name="f"; filename="fallback.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nx\r\n--q\r\nContent-Disposition: form-data; name="g"; filename="a \\"b\\".txt"\r\n\r\ny\r\n--q--`;
    const fields = await parseMultipart(chunks(enc.encode(text), 4), "q");
    expect((fields.f as UploadedFile).filename).toBe("€ rates.txt");
    expect((fields.g as UploadedFile).filename).toBe('a "b".txt');
  });

  it("enforces every limit with a 413 naming it", async () => {
    await rejects(parseMultipart(chunks(sample, 8), "b", { maxBytes: 50 }), 413, /body exceeds the limit of 50 bytes/);
    await rejects(parseMultipart(chunks(sample, 8), "b", { maxFileBytes: 5 }), 413, /file "doc" exceeds the limit of 5 bytes/);
    await rejects(parseMultipart(chunks(body("b", [{ name: "big", value: "x".repeat(100) }]), 8), "b", { maxFieldBytes: 99 }), 413, /field "big"/);
    await rejects(parseMultipart(chunks(sample, 8), "b", { maxParts: 3 }), 413, /more than 3 parts/);
    const longHeader = enc.encode(`--b\r\nContent-Disposition: form-data; name="a"\r\nX-Pad: ${"p".repeat(9000)}\r\n\r\nv\r\n--b--`);
    await rejects(parseMultipart(chunks(longHeader, 100), "b"), 413, /headers exceed 8192 bytes/);
  });

  it("rejects malformed bodies with a 400, never hanging", async () => {
    await rejects(parseMultipart(chunks(enc.encode("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"), 4), "b"), 400, /ended before its closing boundary/);
    await rejects(parseMultipart(chunks(enc.encode("--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--"), 4), "b"), 400, /lacks Content-Disposition/);
    await rejects(parseMultipart(chunks(enc.encode("--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--"), 4), "b"), 400, /no name/);
    await rejects(parseMultipart(chunks(enc.encode("--bXX\r\n"), 4), "b"), 400, /boundary line/);
    await rejects(parseMultipart(chunks(enc.encode(""), 4), "b"), 400, /ended before/);
    await rejects(parseMultipart(chunks(enc.encode(""), 4), ""), 400, /boundary is missing or invalid/);
    await rejects(parseMultipart(chunks(enc.encode(""), 4), "x".repeat(71)), 400, /boundary is missing or invalid/);
  });
});
