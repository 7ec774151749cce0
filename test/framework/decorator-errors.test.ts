// Decorator mistakes fail when the class is evaluated, with an error naming the fix. The legacy case
// is compiled by TypeScript itself with experimentalDecorators, as a NestJS-style tsconfig would.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as framework from "tsgi/framework";

/** Compiles `source` with the given decorator setting and evaluates it with the framework in scope. */
function evaluate(source: string, experimentalDecorators: boolean): unknown {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators },
  });
  const body = outputText.replace(/^export \{\};?$/m, "");
  const run = new Function("framework", `const { get, post, controller, createApp } = framework;\n${body}\nreturn typeof result === "undefined" ? undefined : result;`) as (f: unknown) => unknown;
  return run(framework);
}

const BOOKS = `
@controller("/books")
class Books {
  @get("/:id") show(ctx: any) { return { id: ctx.params.id }; }
}
const result = createApp().controller(Books).routes;
`;

describe("legacy decorators (experimentalDecorators)", () => {
  it("standard decorators from the same source register the route", () => {
    expect(evaluate(BOOKS, false)).toEqual([{ method: "GET", pattern: "/books/:id", name: undefined }]);
  });

  it("a method decorator compiled as legacy throws at class evaluation, naming experimentalDecorators", () => {
    expect(() => evaluate(BOOKS, true)).toThrow(
      /@get\("\/:id"\) on Books\.show was called as a legacy decorator: tsgi uses standard \(TC39\) decorators: remove "experimentalDecorators"/,
    );
  });

  it("a class decorator compiled as legacy throws too", () => {
    const onlyClass = `@controller("/x") class Empty {}`;
    expect(() => evaluate(onlyClass, true)).toThrow(/@controller\("\/x"\) on Empty was called as a legacy decorator: .*experimentalDecorators/);
  });
});

describe("route paths in decorators", () => {
  it("`:id?` fails at class evaluation, pointing to {/:id}", () => {
    expect(() => evaluate(`class B { @get("/books/:id?") show() { return ""; } }`, false))
      .toThrow(/route path "\/books\/:id\?": optional parameters are written in braces: \{\/:id\} instead of \/:id\?/);
  });

  it("a bare wildcard and a regexp constraint name their fix", () => {
    expect(() => framework.get("/files/*")).toThrow(/a wildcard needs a name: \/\*path/);
    expect(() => framework.post("/b/:id(\\d+)")).toThrow(/declare a params schema/);
  });

  it("app.get gives the same hint with the route in front", () => {
    expect(() => framework.createApp().get("/books/:id?", () => "")).toThrow(/^route GET \/books\/:id\?: optional parameters are written in braces: \{\/:id\}/);
  });
});
