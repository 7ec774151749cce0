// Config snippets in the docs, each preceded by a marker saying how a test checks it:
//   <!-- checked: generator MODULE FUNCTION JSON-ARGS -->  equal to test/support/MODULE.ts FUNCTION(args)
//   <!-- checked: live NAME -->                            run as-is against real servers by deploy-live.test.ts
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Languages of fenced blocks that are front-server configs and must carry a marker. */
export const CONFIG_LANGUAGES = new Set(["nginx", "apache", "apacheconf", "lighttpd"]);

/** Every page whose config snippets are checked. */
export function snippetPages(root = "."): string[] {
  const deploy = readdirSync(join(root, "docs/deploy")).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/deploy/${name}`);
  return [...deploy, "docs/tutorial.md"];
}

export interface Snippet {
  page: string;
  line: number;
  language: string;
  text: string;
  marker: { kind: "generator"; module: string; fn: string; args: unknown } | { kind: "live"; name: string } | undefined;
}

const MARKER = /^<!-- checked: (generator (\S+) (\S+) (.*)|live (\S+)) -->$/;

/** The fenced code blocks of a page, with the marker on the line before each (if any). */
export function snippetsOf(page: string, root = "."): Snippet[] {
  const lines = readFileSync(join(root, page), "utf8").split("\n");
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? "");
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i] ?? "");
    const markerLine = (lines[start - 1] ?? "").trim();
    const match = MARKER.exec(markerLine);
    let marker: Snippet["marker"];
    if (match?.[5] !== undefined) marker = { kind: "live", name: match[5] };
    else if (match?.[2] !== undefined && match[3] !== undefined) marker = { kind: "generator", module: match[2], fn: match[3], args: JSON.parse(match[4] ?? "null") as unknown };
    found.push({ page, line: start + 1, language: open[1] ?? "", text: body.join("\n") + "\n", marker });
  }
  return found;
}

/** The snippet marked `live NAME`; throws when no page has it. */
export function liveSnippet(name: string, root = "."): Snippet {
  for (const page of snippetPages(root)) {
    const snippet = snippetsOf(page, root).find((candidate) => candidate.marker?.kind === "live" && candidate.marker.name === name);
    if (snippet !== undefined) return snippet;
  }
  throw new Error(`no docs snippet is marked <!-- checked: live ${name} -->`);
}

/** The live snippets deploy-live.test.ts runs; a live marker naming anything else fails the snippet test. */
export const LIVE_SNIPPETS = ["nginx-proxy", "apache-proxy-http", "apache-htaccess-cgi", "lighttpd-cgi"] as const;

/** The framework pages whose `ts` blocks marked `<!-- checked: run -->` are compiled and run. */
export function frameworkPages(root = "."): string[] {
  return readdirSync(join(root, "docs/framework")).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/framework/${name}`);
}

/** A marker saying a `ts` block is a whole module that framework-snippets.test.ts compiles with tsc and runs. */
export const RUN_MARKER = "<!-- checked: run -->";

/** The `ts` blocks of the framework pages marked {@link RUN_MARKER}. */
export function runnableSnippets(root = "."): Snippet[] {
  return frameworkPages(root).flatMap((page) => {
    const lines = readFileSync(join(root, page), "utf8").split("\n");
    return snippetsOf(page, root).filter((snippet) => snippet.language === "ts" && (lines[snippet.line - 2] ?? "").trim() === RUN_MARKER);
  });
}
