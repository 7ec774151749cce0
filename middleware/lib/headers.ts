/** Small helpers over a reply's `HeaderList`, shared by the middleware. @module */
import type { HeaderList } from "tsgi";

/** The first value of a header (case-insensitive), or undefined. */
export function getHeader(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** True when the header is present (case-insensitive). */
export function hasHeader(headers: HeaderList, name: string): boolean {
  return getHeader(headers, name) !== undefined;
}

/** A copy of the list without any header of that name. */
export function withoutHeader(headers: HeaderList, name: string): HeaderList {
  const lower = name.toLowerCase();
  return headers.filter(([key]) => key.toLowerCase() !== lower);
}

/** A copy of the list with one value for the header, replacing every previous one. */
export function withHeader(headers: HeaderList, name: string, value: string): HeaderList {
  const out = withoutHeader(headers, name);
  out.push([name, value]);
  return out;
}

/** Adds `token` to a comma-separated header (`Vary`), unless it is already listed or is `*`. */
export function appendToken(headers: HeaderList, name: string, token: string): HeaderList {
  const current = getHeader(headers, name);
  if (current === undefined) return [...headers, [name, token]];
  const tokens = current.split(",").map((part) => part.trim().toLowerCase());
  if (tokens.includes("*") || tokens.includes(token.toLowerCase())) return headers;
  return withHeader(headers, name, `${current}, ${token}`);
}
