/**
 * What `npm start` (`tsgi demo`) serves: Penny's bookstore at `/` and the sum example at `/sum`
 * (http://127.0.0.1:8000/sum?a=1&b=2). Log in to Penny as `penny` / `bookworm`.
 */
import { factory, type App } from "tsgi";
import sum from "./sum/app.js";
import { createPenny, optionsFromEnv } from "./penny/app.js";

export default factory(async () => {
  const penny = await createPenny(optionsFromEnv());
  const app: App = (env) => (env.PATH_INFO === "/sum" || env.PATH_INFO === "/sum/" ? sum(env) : penny.app(env));
  return { app, ...(penny.startup ? { startup: penny.startup } : {}), ...(penny.shutdown ? { shutdown: penny.shutdown } : {}) };
});
