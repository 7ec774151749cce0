// The three apps every HTTP peer serves, and the URL the load generator asks for in each:
//   hello     GET /                      → "Hello, World!"
//   param     GET /users/42              → "user 42"
//   routes100 GET /api/v1/resource99/42  → "resource 99 item 42", in an app of 100 routes (50 static,
//             50 with a param); the requested route is registered last, the worst case for a router
//             that scans a list.

/** The apps, each with the path wrk requests and the body it must get. */
export const APPS = {
  hello: { path: "/", body: "Hello, World!" },
  param: { path: "/users/42", body: "user 42" },
  routes100: { path: "/api/v1/resource99/42", body: "resource 99 item 42" },
};

/** The 100 routes: { pattern (path-to-regexp syntax, which every peer here accepts), index, param }. */
export const ROUTES100 = Array.from({ length: 100 }, (_, index) =>
  index % 2 === 0
    ? { pattern: `/api/v1/resource${index}`, index, param: false }
    : { pattern: `/api/v1/resource${index}/:id`, index, param: true });

/** The body a route answers. */
export function routeBody(route, id) {
  return route.param ? `resource ${route.index} item ${id}` : `resource ${route.index}`;
}

const STATIC = new Map(ROUTES100.filter((route) => !route.param).map((route) => [route.pattern, route]));
const PARAM = new Map(ROUTES100.filter((route) => route.param).map((route) => [route.pattern.slice(0, -4), route]));

/**
 * Hand-written dispatch for servers without a router (raw node:http, the bare tsgi app, koa): the body
 * for a path, or undefined for a 404. Map lookups, no regexps: the ceiling a router is measured against.
 */
export function dispatch(app, path) {
  if (app === "hello") return path === "/" ? APPS.hello.body : undefined;
  if (app === "param") {
    if (!path.startsWith("/users/")) return undefined;
    const id = path.slice(7);
    return id === "" || id.includes("/") ? undefined : `user ${id}`;
  }
  const route = STATIC.get(path);
  if (route !== undefined) return routeBody(route);
  const slash = path.lastIndexOf("/");
  const parent = PARAM.get(path.slice(0, slash));
  return parent !== undefined && slash < path.length - 1 ? routeBody(parent, path.slice(slash + 1)) : undefined;
}
