/**
 * `tsgi/fetch`: the bridge to and from the Fetch `Request`/`Response` standard.
 * @module
 */
export { toFetchHandler, type ToFetchOptions, type ConnectionInfo } from "./to-fetch.js";
export { fromFetchHandler, type FetchHandler, type FromFetchOptions } from "./from-fetch.js";
export { iterableToStream, streamToIterable } from "./streams.js";
