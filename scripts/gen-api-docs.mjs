// Generates docs/api/*.md — one page per entry point in package.json "exports" — from the sources'
// doc comments, with TypeScript's compiler API: the entry file's `@module` comment, then each export
// with its signature, its documentation, its @param/@returns/@throws and its @example blocks.
//   node scripts/gen-api-docs.mjs          write docs/api/
//   node scripts/gen-api-docs.mjs --check  exit 1 (naming the pages) when docs/api/ is stale
// test/docs/api-docs.test.ts runs the check too.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const OUT = "docs/api";

/** The entry points: [{ name: "tsgi/http", slug: "http", file: "src/server/http/index.ts" }], wildcards expanded. */
export function entryPoints(root = ROOT) {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const entries = [];
  for (const [key, target] of Object.entries(pkg.exports)) {
    const source = typeof target === "object" ? target["tsgi-source"] : undefined;
    if (typeof source !== "string") continue;
    const name = key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`;
    if (!source.includes("*")) {
      if (existsSync(join(root, source))) entries.push({ name, file: source.slice(2) });
      continue;
    }
    const [dir, suffix] = source.slice(2).split("*");
    if (!existsSync(join(root, dir))) continue;
    for (const file of readdirSync(join(root, dir)).sort()) {
      if (!file.endsWith(suffix) || file.endsWith(".d.ts") || file.endsWith(".test.ts")) continue;
      entries.push({ name: name.replace("*", file.slice(0, -suffix.length)), file: `${dir}${file}` });
    }
  }
  return entries.map((entry) => ({ ...entry, slug: entry.name === pkg.name ? pkg.name : entry.name.slice(pkg.name.length + 1).replace(/\//g, "-") }));
}

function program(root, files) {
  const configPath = join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram(files.map((file) => join(root, file)), { ...parsed.options, noEmit: true });
}

/** The entry file's leading doc comment (the one with `@module`), as markdown. */
function moduleComment(sourceFile) {
  const text = sourceFile.getFullText();
  const match = /^(?:#![^\n]*\n)?\s*\/\*\*([\s\S]*?)\*\//.exec(text);
  if (!match || !match[1].includes("@module")) return "";
  const body = match[1].split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n");
  return renderDoc(body.replace(/@module.*$/m, ""));
}

/** `{@link X}`, `{@link X | label}`, `{@linkcode X}` → inline code. */
function links(text) {
  return text.replace(/\{@link(?:code|plain)?\s+([^}|\s]+)\s*(?:\|\s*([^}]*?))?\s*\}/g, (_, target, label) => `\`${(label ?? target).trim()}\``);
}

/** Doc text with `@example` blocks: examples are fenced already in the sources, or get fenced here. */
function renderDoc(text) {
  const [main, ...examples] = text.split(/^@example[ \t]*/m);
  const parts = [links(main.trim())];
  for (const example of examples) parts.push(exampleBlock(example));
  return parts.filter((part) => part !== "").join("\n\n");
}

function exampleBlock(text) {
  const body = text.trim();
  if (body === "") return "";
  return body.startsWith("```") ? `Example:\n\n${body}` : `Example:\n\n\`\`\`ts\n${body}\n\`\`\``;
}

const printer = ts.createPrinter({ removeComments: true });

function printNode(node, sourceFile) {
  return printer.printNode(ts.EmitHint.Unspecified, node, sourceFile).trim();
}

function bodyless(node, sourceFile) {
  const text = node.getText(sourceFile);
  const body = node.body;
  const cut = body === undefined ? text : text.slice(0, body.getStart(sourceFile) - node.getStart(sourceFile));
  return cut.replace(/\s+$/, "").replace(/^export\s+(default\s+)?/, "").replace(/^declare\s+/, "").replace(/\s*\n\s*/g, " ");
}

function isPublicMember(member) {
  const name = member.name;
  if (name !== undefined && (ts.isPrivateIdentifier(name) || (ts.isIdentifier(name) && name.text.startsWith("_")))) return false;
  const flags = ts.getCombinedModifierFlags(member);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0;
}

/**
 * The raw text of a declaration's last JSDoc block, split into the main text and its tags. Parsed here
 * rather than through the checker's tag API, because an `@example` holding decorators (`@get(...)`)
 * would otherwise be cut at each decorator: a line starting with `@` inside a code fence is no tag.
 */
function jsDocOf(declaration, sourceFile) {
  const docs = ts.getJSDocCommentsAndTags(declaration).filter((node) => ts.isJSDoc(node));
  const last = docs.at(-1);
  if (last === undefined) return undefined;
  const lines = last.getText(sourceFile).replace(/^\/\*\*/, "").replace(/\*\/$/, "").split("\n").map((line) => line.replace(/^\s*\* ?/, "").replace(/\s+$/, ""));
  const main = [];
  const tags = [];
  let fenced = false;
  for (const line of lines) {
    const tag = fenced ? null : /^@(\w+)\s?(.*)$/.exec(line);
    if (tag) tags.push({ name: tag[1], lines: [tag[2]] });
    else (tags.at(-1)?.lines ?? main).push(line);
    if (line.trim().startsWith("```")) fenced = !fenced;
  }
  return { text: main.join("\n").trim(), tags: tags.map((tag) => ({ name: tag.name, value: tag.lines.join("\n").trim() })) };
}

function docOf(symbol, declaration, checker) {
  const parsed = jsDocOf(declaration, declaration.getSourceFile())
    ?? { text: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim(), tags: [] };
  const params = [];
  const examples = [];
  const extra = [];
  for (const tag of parsed.tags) {
    const value = links(tag.value);
    if (tag.name === "example") examples.push(exampleBlock(tag.value));
    else if (tag.name === "param") params.push(`- \`${value.split(/\s+/)[0]}\`${/\s/.test(value) ? ` — ${value.slice(value.search(/\s/) + 1).replace(/^[\s-]*/, "").replace(/\s*\n\s*/g, " ")}` : ""}`);
    else if (tag.name === "returns" || tag.name === "return") extra.push(`Returns: ${value}`);
    else if (tag.name === "throws") extra.push(`Throws: ${value}`);
    else if (tag.name === "deprecated") extra.push(`**Deprecated.** ${value}`);
  }
  return [links(parsed.text), params.length > 0 ? `Parameters:\n\n${params.join("\n")}` : "", ...extra, ...examples].filter((part) => part !== "").join("\n\n");
}

function memberDocs(declaration, checker, sourceFile) {
  const lines = [];
  for (const member of declaration.members ?? []) {
    if (!isPublicMember(member)) continue;
    if (ts.isIndexSignatureDeclaration(member) || ts.isClassStaticBlockDeclaration?.(member)) continue;
    const symbol = member.name !== undefined ? checker.getSymbolAtLocation(member.name) : member.symbol;
    const doc = symbol !== undefined ? links(ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()) : "";
    const signature = ts.isConstructorDeclaration(member) || ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member) || ts.isSetAccessorDeclaration(member)
      ? bodyless(member, sourceFile).replace(/^(public\s+)/, "")
      : printNode(member, sourceFile).replace(/^(public\s+)/, "").replace(/\s*\n\s*/g, " ");
    lines.push(`- \`${signature.replace(/`/g, "\\`")}\`${doc === "" ? "" : ` — ${doc.replace(/\n+/g, " ")}`}`);
  }
  return lines.length === 0 ? "" : lines.join("\n");
}

function signatureOf(symbol, declaration, checker, sourceFile) {
  if (ts.isFunctionDeclaration(declaration)) return `function ${bodyless(declaration, sourceFile).replace(/^(async\s+)?function\s*\*?\s*/, "$1")}`.replace(/^function (async )/, "async function ");
  if (ts.isVariableDeclaration(declaration)) {
    const type = declaration.type !== undefined ? declaration.type.getText(sourceFile) : checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, declaration), declaration, ts.TypeFormatFlags.NoTruncation);
    return `const ${declaration.name.getText(sourceFile)}: ${type}`;
  }
  if (ts.isClassDeclaration(declaration)) {
    const heritage = (declaration.heritageClauses ?? []).map((clause) => clause.getText(sourceFile)).join(" ");
    const typeParams = declaration.typeParameters ? `<${declaration.typeParameters.map((p) => p.getText(sourceFile)).join(", ")}>` : "";
    return `class ${declaration.name?.getText(sourceFile) ?? "default"}${typeParams}${heritage === "" ? "" : ` ${heritage}`}`;
  }
  if (ts.isInterfaceDeclaration(declaration)) {
    const heritage = (declaration.heritageClauses ?? []).map((clause) => clause.getText(sourceFile)).join(" ");
    const typeParams = declaration.typeParameters ? `<${declaration.typeParameters.map((p) => p.getText(sourceFile)).join(", ")}>` : "";
    return `interface ${declaration.name.getText(sourceFile)}${typeParams}${heritage === "" ? "" : ` ${heritage}`}`;
  }
  if (ts.isTypeAliasDeclaration(declaration)) return printNode(declaration, sourceFile).replace(/^export\s+/, "");
  if (ts.isEnumDeclaration(declaration)) return printNode(declaration, sourceFile).replace(/^export\s+/, "");
  if (ts.isModuleDeclaration(declaration)) return `namespace ${declaration.name.getText(sourceFile)}`;
  return printNode(declaration, sourceFile);
}

function kindOf(declaration) {
  if (ts.isFunctionDeclaration(declaration)) return "function";
  if (ts.isVariableDeclaration(declaration)) return "const";
  if (ts.isClassDeclaration(declaration)) return "class";
  if (ts.isInterfaceDeclaration(declaration)) return "interface";
  if (ts.isTypeAliasDeclaration(declaration)) return "type";
  if (ts.isEnumDeclaration(declaration)) return "enum";
  return "export";
}

const KIND_ORDER = ["function", "const", "class", "interface", "type", "enum", "export"];
const KIND_TITLES = { function: "Functions", const: "Values", class: "Classes", interface: "Interfaces", type: "Types", enum: "Enums", export: "Other exports" };

function renderEntry(entry, prog, root) {
  const checker = prog.getTypeChecker();
  const sourceFile = prog.getSourceFile(join(root, entry.file));
  if (sourceFile === undefined) throw new Error(`cannot read ${entry.file}`);
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  const exports = moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol);
  const items = [];
  for (const exported of exports) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.getDeclarations() ?? [];
    const declaration = declarations.find((d) => !ts.isFunctionDeclaration(d) || d.body !== undefined) ?? declarations[0];
    if (declaration === undefined) continue;
    const declFile = declaration.getSourceFile();
    const overloads = ts.isFunctionDeclaration(declaration) ? declarations.filter((d) => ts.isFunctionDeclaration(d) && d.body === undefined) : [];
    const signatures = overloads.length > 0 ? overloads.map((d) => signatureOf(symbol, d, checker, declFile)) : [signatureOf(symbol, declaration, checker, declFile)];
    const from = relative(root, declFile.fileName);
    const members = ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration) ? memberDocs(declaration, checker, declFile) : "";
    items.push({ name: exported.name, kind: kindOf(declaration), signatures, doc: docOf(symbol, declaration, checker), members, from });
  }
  items.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  const lines = [
    `# \`${entry.name}\``,
    "",
    `<!-- Generated by scripts/gen-api-docs.mjs from the doc comments in ${entry.file}. Do not edit; run node scripts/gen-api-docs.mjs. -->`,
    "",
    "```ts",
    `import { ... } from "${entry.name}";`,
    "```",
    "",
    `Source: [\`${entry.file}\`](../../${entry.file})`,
    "",
  ];
  const intro = moduleComment(sourceFile);
  if (intro !== "") lines.push(intro, "");
  if (items.length === 0) lines.push("This entry point exports nothing yet.", "");
  let kind = "";
  for (const item of items) {
    if (item.kind !== kind) { kind = item.kind; lines.push(`## ${KIND_TITLES[kind]}`, ""); }
    lines.push(`### \`${item.name}\``, "", "```ts", ...item.signatures, "```", "");
    if (item.doc !== "") lines.push(item.doc, "");
    if (item.members !== "") lines.push(item.kind === "class" ? "Members:" : "Fields:", "", item.members, "");
    if (item.from !== entry.file) lines.push(`Defined in [\`${item.from}\`](../../${item.from}).`, "");
  }
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

function renderIndex(entries) {
  return [
    "# API reference",
    "",
    "<!-- Generated by scripts/gen-api-docs.mjs. Do not edit; run node scripts/gen-api-docs.mjs. -->",
    "",
    "One page per entry point of the package (`package.json` \"exports\"), generated from the doc comments in the sources.",
    "",
    ...entries.map((entry) => `- [\`${entry.name}\`](${entry.slug}.md) — \`${entry.file}\``),
    "",
  ].join("\n");
}

/** The pages: Map of path under the repo (docs/api/NAME.md) → markdown. */
export function renderApiDocs(root = ROOT) {
  const entries = entryPoints(root);
  const prog = program(root, entries.map((entry) => entry.file));
  const pages = new Map([[`${OUT}/README.md`, renderIndex(entries)]]);
  for (const entry of entries) pages.set(`${OUT}/${entry.slug}.md`, renderEntry(entry, prog, root));
  return pages;
}

/** Paths whose content differs from the generated one, plus generated-looking pages nothing generates. */
export function staleApiDocs(root = ROOT) {
  const pages = renderApiDocs(root);
  const stale = [];
  for (const [path, text] of pages) {
    const full = join(root, path);
    if (!existsSync(full) || readFileSync(full, "utf8") !== text) stale.push(path);
  }
  const dir = join(root, OUT);
  if (existsSync(dir)) for (const name of readdirSync(dir)) if (name.endsWith(".md") && !pages.has(`${OUT}/${name}`)) stale.push(`${OUT}/${name}`);
  return stale;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--check")) {
    const stale = staleApiDocs();
    if (stale.length > 0) {
      process.stderr.write(`stale API docs (run node scripts/gen-api-docs.mjs): ${stale.join(", ")}\n`);
      process.exit(1);
    }
    process.stdout.write("docs/api is up to date\n");
  } else {
    const pages = renderApiDocs();
    mkdirSync(join(ROOT, OUT), { recursive: true });
    for (const name of readdirSync(join(ROOT, OUT))) if (name.endsWith(".md") && !pages.has(`${OUT}/${name}`)) rmSync(join(ROOT, OUT, name));
    for (const [path, text] of pages) writeFileSync(join(ROOT, path), text);
    process.stdout.write(`wrote ${pages.size} pages to ${OUT}/ (${[...pages.keys()].map((path) => basename(path)).join(", ")})\n`);
  }
}
