// The bare hello app as a module, for servers that load an app by module spec (the pool's workers).
import { bareApp } from "./tsgi-bare.mjs";

export default bareApp("hello");
