/** Cleaning the CGI params a front server sends, shared by the FastCGI and SCGI servers. @module */

/**
 * Removes HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH, which nginx passes along with CONTENT_TYPE and
 * CONTENT_LENGTH (RFC 3875 4.1.18: these headers are not HTTP_ variables).
 */
export function dropBodyHeaders(params: Array<[string, string]>): void {
  let write = 0;
  for (let read = 0; read < params.length; read++) {
    const pair = params[read] as [string, string];
    const name = pair[0];
    if (name.length >= 17 && (name === "HTTP_CONTENT_TYPE" || name === "HTTP_CONTENT_LENGTH")) continue;
    params[write++] = pair;
  }
  params.length = write;
}
