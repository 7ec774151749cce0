// Loads the FastCGI corpus (test/fixtures/fastcgi) and runs bytes through a session, recording events.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FastCgiSession, type SessionHandler, type SessionOptions } from "tsgi/protocol/fastcgi";

export const FIXTURES = join(import.meta.dirname, "../../fixtures/fastcgi");

export interface Fixture {
  file: string;
  description: string;
  options?: SessionOptions;
  events: string[];
}

export const manifest: Fixture[] = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as Fixture[];

/** The bytes of a .hex fixture (comments after "#" and whitespace ignored). */
export function fixtureBytes(file: string): Buffer {
  const text = readFileSync(join(FIXTURES, file), "utf8").split("\n").map((line) => line.replace(/#.*/, "")).join("");
  return Buffer.from(text.replace(/\s+/g, ""), "hex");
}

/** A handler that records events as strings (the manifest's format), plus the data it saw. */
export function recorder(): { handler: SessionHandler; events: string[]; body: Map<number, Buffer[]>; params: Map<number, Array<[string, string]>> } {
  const events: string[] = [];
  const body = new Map<number, Buffer[]>();
  const params = new Map<number, Array<[string, string]>>();
  const handler: SessionHandler = {
    begin: (id, role, keep) => events.push(`begin ${id} ${role} ${keep ? "keep" : "close"}`),
    params: (id, pairs) => {
      params.set(id, pairs);
      events.push(`params ${id} ${pairs.length}`);
    },
    paramsRejected: (id) => events.push(`params-rejected ${id}`),
    stdin: (id, data) => {
      body.set(id, [...(body.get(id) ?? []), Buffer.from(data)]);
      events.push(`stdin ${id} ${data.length}`);
    },
    stdinEnd: (id) => events.push(`stdin-end ${id}`),
    abort: (id) => events.push(`abort ${id}`),
    reject: (id, status) => events.push(`reject ${id} ${status}`),
    getValues: (names) => events.push(`get-values ${names.join(",")}`),
    unknownType: (type) => events.push(`unknown-type ${type}`),
    error: (error) => events.push(`error ${error.message}`),
  };
  return { handler, events, body, params };
}

/** Feeds `bytes` cut at `cuts` (sorted offsets) to a new session; returns what it reported. */
export function run(bytes: Buffer, options: SessionOptions | undefined, cuts: number[] = []): ReturnType<typeof recorder> {
  const rec = recorder();
  const session = new FastCgiSession(rec.handler, options);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) session.receive(bytes.subarray(start, cut));
    start = Math.max(start, cut);
  }
  return rec;
}

/** Whether recorded events match the manifest's ("error X" matches an error whose message contains X). */
export function matches(actual: string[], expected: string[]): boolean {
  if (actual.length !== expected.length) return false;
  return expected.every((want, i) => {
    const got = actual[i] as string;
    return want.startsWith("error ") ? got.startsWith("error ") && got.includes(want.slice(6)) : got === want;
  });
}
