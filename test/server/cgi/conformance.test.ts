import { serverConformance } from "../conformance/cases.js";
import { inProcessCgi } from "./harness.js";

serverConformance({ start: async (app) => inProcessCgi(app) });
