import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "tsgi/lint";
import { renderSpec } from "../../src/lint/spec.js";

const root = new URL("../../", import.meta.url);

describe("docs/spec.md", () => {
  it("is generated from the template and the lint rules (run `npm run spec` when this fails)", () => {
    const template = readFileSync(new URL("scripts/spec.template.md", root), "utf8");
    expect(readFileSync(new URL("docs/spec.md", root), "utf8")).toBe(renderSpec(template));
  });

  it("states every rule the lint enforces", () => {
    const spec = readFileSync(new URL("docs/spec.md", root), "utf8");
    for (const rule of RULES) expect(spec).toContain(`**[${rule.id}]** ${rule.spec}`);
  });

  it("covers every key of the contract", () => {
    const spec = readFileSync(new URL("docs/spec.md", root), "utf8");
    const keys = ["REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_NAME",
      "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "REMOTE_PORT", "HTTPS", "GATEWAY_INTERFACE", "tsgi.version",
      "tsgi.url_scheme", "tsgi.input", "tsgi.errors", "tsgi.signal", "tsgi.multithread", "tsgi.multiprocess", "tsgi.run_once"];
    for (const key of keys) expect(spec).toContain(`\`${key}\``);
  });

  it("refuses a template that forgets a section of rules", () => {
    expect(() => renderSpec("{{rules:env}}")).toThrow(/no \{\{rules:gateway\}\}/);
  });
});
