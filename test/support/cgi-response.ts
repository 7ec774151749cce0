// Parsing the CGI response a FastCGI or SCGI server writes ("Status: 200 OK", headers, blank line, body).

/** A parsed CGI response. */
export interface CgiResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Splits CGI output into status, headers and body; throws when the head is malformed. */
export function parseCgiResponse(output: Buffer): CgiResponse {
  const end = output.indexOf("\r\n\r\n");
  if (end === -1) throw new Error(`no blank line after the CGI head in ${JSON.stringify(output.subarray(0, 200).toString("latin1"))}`);
  const lines = output.subarray(0, end).toString("latin1").split("\r\n");
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`malformed CGI header line ${JSON.stringify(line)}`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
    else headers.push([name.toLowerCase(), value]);
  }
  return { status, headers, body: output.subarray(end + 4) };
}

/**
 * CGI params for a request the way nginx builds them for an app mounted at the root (SCRIPT_NAME "",
 * PATH_INFO the decoded path); repeated headers joined (Cookie with "; ", others with ", ").
 */
export function cgiParams(method: string, path: string, headers: Record<string, string> | Array<[string, string]> = {}, bodyLength?: number, port = 8080): Array<[string, string]> {
  const q = path.indexOf("?");
  const rawPath = q === -1 ? path : path.slice(0, q);
  let decoded = rawPath;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    // keep raw
  }
  const params: Array<[string, string]> = [
    ["REQUEST_METHOD", method],
    ["SCRIPT_NAME", ""],
    ["PATH_INFO", decoded],
    ["QUERY_STRING", q === -1 ? "" : path.slice(q + 1)],
    ["REQUEST_URI", path],
    ["SERVER_PORT", String(port)],
    ["SERVER_PROTOCOL", "HTTP/1.1"],
    ["GATEWAY_INTERFACE", "CGI/1.1"],
    ["REMOTE_ADDR", "127.0.0.1"],
    ["REMOTE_PORT", "50000"],
  ];
  let length = bodyLength === undefined ? "" : String(bodyLength);
  const joined = new Map<string, string>();
  for (const [name, value] of Array.isArray(headers) ? headers : Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === "content-type") params.push(["CONTENT_TYPE", value]);
    else if (lower === "content-length") length = value;
    else {
      const key = `HTTP_${lower.toUpperCase().replace(/-/g, "_")}`;
      const before = joined.get(key);
      joined.set(key, before === undefined ? value : before + (lower === "cookie" ? "; " : ", ") + value);
    }
  }
  if (!joined.has("HTTP_HOST")) joined.set("HTTP_HOST", `127.0.0.1:${port}`);
  params.push(["SERVER_NAME", (joined.get("HTTP_HOST") as string).replace(/:\d+$/, "")]);
  for (const pair of joined) params.push(pair);
  params.push(["CONTENT_LENGTH", length]);
  return params;
}

/** A request body, whole or streamed, as one buffer (CGI-style servers need CONTENT_LENGTH). */
export async function bodyBytes(body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined): Promise<Buffer | undefined> {
  if (body === undefined) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
