/** Media types by file extension for the static file middleware (the common web formats). @module */

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8", htm: "text/html; charset=utf-8", css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8", mjs: "text/javascript; charset=utf-8", json: "application/json",
  map: "application/json", txt: "text/plain; charset=utf-8", md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8", xml: "application/xml", svg: "image/svg+xml", png: "image/png",
  jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp", avif: "image/avif",
  ico: "image/vnd.microsoft.icon", bmp: "image/bmp", woff: "font/woff", woff2: "font/woff2", ttf: "font/ttf",
  otf: "font/otf", pdf: "application/pdf", zip: "application/zip", gz: "application/gzip", br: "application/x-brotli",
  wasm: "application/wasm", mp4: "video/mp4", webm: "video/webm", mp3: "audio/mpeg", ogg: "audio/ogg",
  wav: "audio/wav", webmanifest: "application/manifest+json", txtar: "text/plain; charset=utf-8",
};

/** The media type for a file name (`extra` first, by extension without the dot); `application/octet-stream` when unknown. */
export function mimeType(fileName: string, extra?: Readonly<Record<string, string>>): string {
  const dot = fileName.lastIndexOf(".");
  if (dot < 0) return "application/octet-stream";
  const extension = fileName.slice(dot + 1).toLowerCase();
  return extra?.[extension] ?? TYPES[extension] ?? "application/octet-stream";
}
