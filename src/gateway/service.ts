/** Turning whatever an entry module exports into a {@link Service}. @module */
import { isFactory, isService, type Service } from "../contract.js";

/**
 * Resolves an export to a service: an app is wrapped, a service is taken as it is, a factory
 * (marked with `factory()`, or `callFactory` set) is awaited first. Throws a message naming the fix otherwise.
 */
export async function toService(value: unknown, options: { callFactory?: boolean; name?: string } = {}): Promise<Service> {
  const name = options.name ?? "the export";
  let resolved = value;
  if (isFactory(resolved) || (options.callFactory === true && typeof resolved === "function")) {
    resolved = await (resolved as () => unknown)();
  }
  if (isService(resolved)) return resolved;
  if (typeof resolved === "function") return { app: resolved as Service["app"] };
  throw new TypeError(`${name} is ${resolved === null ? "null" : typeof resolved}; export an app (env) => reply, a { app, startup, shutdown } object, or a factory() returning one`);
}
