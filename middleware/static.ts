/**
 * `tsgi/middleware/static`: serves files from a directory, with validators (ETag, Last-Modified, 304),
 * byte ranges (206/416), index files and media types. Requests it cannot answer from disk fall through
 * to the wrapped app.
 *
 * Path escapes are refused: a NUL byte (`%00`) gets 400, a `..` segment 403, and a file whose real
 * path (symlinks resolved) lies outside the root is treated as missing.
 *
 * @example
 * ```ts
 * import { staticFiles } from "tsgi/middleware/static";
 * export default staticFiles({ root: new URL("./public", import.meta.url), prefix: "/static", maxAge: 3600 })(app);
 * ```
 * @module
 */
import { realpathSync } from "node:fs";
import { open, realpath, type FileHandle } from "node:fs/promises";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { App, Env, HeaderList, Middleware, Reply } from "tsgi";
import { encodeLocation } from "./lib/header-value.js";
import { mimeType } from "./lib/mime.js";

/** Options for {@link staticFiles}. */
export interface StaticOptions {
  /** The directory to serve (a path or a file: URL). It must exist. */
  root: string | URL;
  /** URL prefix below SCRIPT_NAME, e.g. `/static`. Default: none (every path is tried on disk first). */
  prefix?: string;
  /** Files tried for a directory. Default `["index.html"]`. */
  index?: readonly string[];
  /** `Cache-Control: max-age` in seconds. Default 0 (`no-cache`: revalidate with the ETag). */
  maxAge?: number;
  /** Add `immutable` to Cache-Control (fingerprinted file names). Default false. */
  immutable?: boolean;
  /** Serve files and directories whose name starts with `.`. Default false (they fall through). */
  dotfiles?: boolean;
  /** Extra or overriding media types by extension: `{ gltf: "model/gltf+json" }`. */
  types?: Readonly<Record<string, string>>;
}

const text = (status: number, body: string, headers: HeaderList = []): Reply => ({ status, headers: [["content-type", "text/plain; charset=utf-8"], ...headers], body: body + "\n" });
const WHOLE_READ_LIMIT = 64 * 1024;

interface Range {
  start: number;
  end: number;
}

/** Parses one `bytes=` range against a size; "unsatisfiable", or undefined to ignore the header (RFC 9110 14.2). */
export function parseRange(header: string, size: number): Range | "unsatisfiable" | undefined {
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return undefined; // several ranges or another unit: serve the whole file
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return undefined; // invalid: ignore
  if (start >= size) return "unsatisfiable";
  return { start, end };
}

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === bare);
}

function rootPath(root: string | URL): string {
  const path = root instanceof URL ? fileURLToPath(root) : root;
  try {
    return realpathSync(path);
  } catch (error) {
    throw new Error(`staticFiles root ${path} does not exist: create it or fix the path`, { cause: error });
  }
}

async function readWhole(handle: FileHandle, start: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await handle.read(buffer, offset, length - offset, start + offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return offset === length ? buffer : buffer.subarray(0, offset);
}

/** Serves files under `root`; anything not found on disk goes to the wrapped app. */
export function staticFiles(options: StaticOptions): Middleware {
  const root = rootPath(options.root);
  const rootPrefix = root.endsWith(sep) ? root : root + sep;
  const prefix = (options.prefix ?? "").replace(/\/+$/, "");
  if (prefix !== "" && !prefix.startsWith("/")) throw new TypeError(`staticFiles prefix must start with "/"; got ${JSON.stringify(prefix)}`);
  const index = options.index ?? ["index.html"];
  const types = options.types === undefined ? undefined
    : Object.fromEntries(Object.entries(options.types).map(([extension, type]) => {
      if (/[\r\n\0]/.test(type)) throw new TypeError(`media type for .${extension} must not contain CR, LF or NUL`);
      return [extension.replace(/^\./, "").toLowerCase(), type];
    }));
  const maxAge = options.maxAge ?? 0;
  const cacheControl = maxAge > 0 ? `public, max-age=${Math.floor(maxAge)}${options.immutable === true ? ", immutable" : ""}` : "no-cache";

  const locate = async (segments: string[]): Promise<{ handle: FileHandle; name: string } | "directory" | undefined> => {
    const candidate = join(root, ...segments);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return undefined;
    }
    if (real !== root && !real.startsWith(rootPrefix)) return undefined; // a symlink out of the root
    const handle = await open(real, "r").catch(() => undefined);
    if (handle === undefined) return undefined;
    const stats = await handle.stat();
    if (stats.isFile()) return { handle, name: real };
    await handle.close();
    return stats.isDirectory() ? "directory" : undefined;
  };

  return (app: App): App => async (env: Env): Promise<Reply> => {
    const method = env.REQUEST_METHOD;
    const path = env.PATH_INFO;
    if ((method !== "GET" && method !== "HEAD") || (prefix !== "" && path !== prefix && !path.startsWith(prefix + "/"))) return app(env);
    const relative = path.slice(prefix.length);
    if (relative.includes("\0")) return text(400, "the path contains a NUL byte");
    const segments = relative.split("/").filter((segment) => segment !== "" && segment !== ".");
    if (segments.includes("..") || segments.some((segment) => segment.includes("\\"))) return text(403, "the path leaves the static directory");
    if (options.dotfiles !== true && segments.some((segment) => segment.startsWith("."))) return app(env);

    let found = await locate(segments);
    if (found === "directory") {
      if (!relative.endsWith("/") && relative !== "") {
        // Built from the clean segments: `//evil.example` must not come back as a scheme-relative URL.
        const clean = `${env.SCRIPT_NAME.replace(/\/+$/, "")}${prefix}/${segments.join("/")}/`.replace(/^\/+/, "/");
        const query = env.QUERY_STRING !== "" ? "?" + env.QUERY_STRING : "";
        return { status: 301, headers: [["location", encodeLocation(clean.replaceAll("%", "%25").replaceAll("?", "%3F").replaceAll("#", "%23") + query)]], body: "" };
      }
      found = undefined;
      for (const name of index) {
        const file = await locate([...segments, name]);
        if (typeof file === "object") {
          found = file;
          break;
        }
      }
    }
    if (typeof found !== "object") return app(env);

    const { handle, name } = found;
    let keepOpen = false;
    try {
      const stats = await handle.stat();
      const size = stats.size;
      const etag = `"${Math.floor(stats.mtimeMs).toString(16)}-${size.toString(16)}"`;
      const lastModified = new Date(Math.floor(stats.mtimeMs / 1000) * 1000);
      const validators: HeaderList = [["etag", etag], ["last-modified", lastModified.toUTCString()], ["cache-control", cacheControl]];

      const ifNoneMatch = env.HTTP_IF_NONE_MATCH;
      const ifModifiedSince = env.HTTP_IF_MODIFIED_SINCE;
      const notModified = ifNoneMatch !== undefined
        ? etagMatches(ifNoneMatch, etag)
        : ifModifiedSince !== undefined && !Number.isNaN(Date.parse(ifModifiedSince)) && lastModified.getTime() <= Date.parse(ifModifiedSince);
      if (notModified) return { status: 304, headers: validators, body: "" };

      const headers: HeaderList = [["content-type", mimeType(name, types)], ["accept-ranges", "bytes"], ...validators];
      let start = 0;
      let end = size - 1;
      let status = 200;
      const rangeHeader = env.HTTP_RANGE;
      const ifRange = env.HTTP_IF_RANGE;
      const rangeApplies = rangeHeader !== undefined && method === "GET"
        && (ifRange === undefined || ifRange === etag || (!ifRange.startsWith('"') && !ifRange.startsWith("W/") && Date.parse(ifRange) === lastModified.getTime()));
      if (rangeApplies) {
        const range = parseRange(rangeHeader, size);
        if (range === "unsatisfiable") {
          return { status: 416, headers: [["content-type", "text/plain; charset=utf-8"], ["content-range", `bytes */${size}`], ["accept-ranges", "bytes"]], body: `the range ${rangeHeader} is outside the ${size}-byte file\n` };
        }
        if (range !== undefined) {
          ({ start, end } = range);
          status = 206;
          headers.push(["content-range", `bytes ${start}-${end}/${size}`]);
        }
      }
      const length = size === 0 ? 0 : end - start + 1;
      headers.push(["content-length", String(length)]);
      if (method === "HEAD" || length === 0) return { status, headers, body: "" };
      if (length <= WHOLE_READ_LIMIT) return { status, headers, body: await readWhole(handle, start, length) };
      keepOpen = true;
      return { status, headers, body: handle.createReadStream({ start, end, autoClose: true }) };
    } finally {
      if (!keepOpen) await handle.close();
    }
  };
}
