/** The files `tsgi init` writes, as text. Pure: no I/O, so tests and the CLI share them. @module */
import type { WantedManifest } from "./merge.js";

/** What the templates need to know. */
export interface TemplateValues {
  /** The project's package name. */
  name: string;
  /** The dependency spec for tsgi: a version range, a tarball path (`file:...`) or a git URL. */
  tsgi: string;
}

// Templates are arrays of lines: source text here never reads as this module importing "tsgi" itself.
const lines = (...text: string[]): string => text.join("\n") + "\n";

/** Dev-dependency ranges known to work together here (vitest 4 needs vite 7 for standard decorators). */
export const DEV_DEPENDENCIES: Readonly<Record<string, string>> = Object.freeze({
  "@types/node": "^20.19.0",
  esbuild: "^0.28.2",
  tsx: "^4.20.0",
  typescript: "~6.0.3",
  vite: "^7.3.0",
  vitest: "~4.1.9",
});

/** The scripts `tsgi init` adds: the same in ESM, CommonJS and untyped projects. */
export const SCRIPTS: Readonly<Record<string, string>> = Object.freeze({
  dev: "tsgi serve src/app.ts --reload --development",
  build: "tsc -p tsconfig.json",
  prestart: "npm run build",
  start: "tsgi serve dist/app.js",
  test: "vitest run",
  bundle: "tsgi bundle src/app.ts -o cgi-bin/app.cgi",
});

/** The package.json fields a project needs, for a new manifest or to merge into the user's own. */
export function wantedManifest(values: TemplateValues): WantedManifest {
  return {
    name: values.name,
    engines: { node: ">=20.19" },
    scripts: { ...SCRIPTS },
    dependencies: { tsgi: values.tsgi, zod: "^4.1.0" },
    devDependencies: { ...DEV_DEPENDENCIES },
  };
}

/** A new project's package.json: `"type": "module"` (an existing project keeps its own type). */
export function packageJson(values: TemplateValues): string {
  const wanted = wantedManifest(values);
  const pkg = {
    name: wanted.name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: wanted.engines,
    scripts: wanted.scripts,
    dependencies: wanted.dependencies,
    devDependencies: wanted.devDependencies,
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

/** The tsconfig docs/framework/decorators.md shows: ES2022 output, so Node 20 runs standard decorators. */
export function tsconfigJson(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "nodenext",
      moduleResolution: "nodenext",
      lib: ["ES2023", "ESNext.Decorators"],
      types: ["node"],
      strict: true,
      skipLibCheck: true,
      outDir: "dist",
      rootDir: "src",
    },
    include: ["src"],
  };
  return JSON.stringify(config, null, 2) + "\n";
}

export function vitestConfig(): string {
  return lines(
    'import { defineConfig } from "vitest/config";',
    "",
    "// ES2022 output: the app's standard decorators become plain calls Node 20 can run.",
    'export default defineConfig({ esbuild: { target: "es2022" } });',
  );
}

export function appTs(): string {
  return lines(
    'import { z } from "zod";',
    'import { stack } from "tsgi";',
    'import { controller, createApp, get, html, type RouteContext } from "tsgi/framework";',
    'import { requestId } from "tsgi/middleware/request-id";',
    'import { securityHeaders } from "tsgi/middleware/security-headers";',
    "",
    'const greeting = { query: z.object({ name: z.string().min(1).max(40).default("world") }) };',
    "",
    '@controller("/hello")',
    "class Hello {",
    '  @get("/", greeting)',
    '  greet(ctx: RouteContext<"/", typeof greeting>) {',
    "    return html`<p>Hello, ${ctx.query.name}!</p>`;",
    "  }",
    "}",
    "",
    "const pages = createApp()",
    '  .get("/", () => html`<h1>It works</h1><p>Try <a href="/hello?name=you">/hello?name=you</a>.</p>`)',
    "  .controller(Hello);",
    "",
    "export default stack(requestId(), securityHeaders(), pages);",
  );
}

export function appTestTs(): string {
  return lines(
    'import { describe, expect, it } from "vitest";',
    'import { request } from "tsgi/testing";',
    'import app from "../src/app.js";',
    "",
    'describe("app", () => {',
    '  it("serves the home page", async () => {',
    '    const reply = await request(app, "GET", "/");',
    "    expect(reply.status).toBe(200);",
    '    expect(reply.text).toContain("It works");',
    "  });",
    "",
    '  it("greets by name and escapes it", async () => {',
    '    const reply = await request(app, "GET", "/hello?name=%3Cb%3E");',
    "    expect(reply.status).toBe(200);",
    '    expect(reply.text).toBe("<p>Hello, &lt;b&gt;!</p>");',
    "  });",
    "});",
  );
}

export function gitignore(): string {
  return "node_modules/\ndist/\ncgi-bin/*.cgi\n";
}

/** The bundle is CommonJS; this keeps Node from reading it as ESM under the project's `"type": "module"`. */
export function cgiBinPackageJson(): string {
  return JSON.stringify({ type: "commonjs" }, null, 2) + "\n";
}

export function readme(name: string): string {
  return `# ${name}

A tsgi app: \`src/app.ts\` is the app, \`test/app.test.ts\` its test.

\`\`\`sh
npm run dev      # http://127.0.0.1:8000, restarts on change
npm test         # vitest, through tsgi/testing (no socket)
npm start        # compiles to dist/ and serves dist/app.js
npm run bundle   # one CGI file for a shared host: cgi-bin/app.cgi
\`\`\`
`;
}
