// Writes docs/spec.md from scripts/spec.template.md and the lint rules (npm run spec).
import { readFileSync, writeFileSync } from "node:fs";
import { renderSpec } from "../src/lint/spec.js";

const template = readFileSync(new URL("./spec.template.md", import.meta.url), "utf8");
writeFileSync(new URL("../docs/spec.md", import.meta.url), renderSpec(template));
console.log("wrote docs/spec.md");
