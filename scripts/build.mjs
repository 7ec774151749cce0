// Builds dist/ from src/, then every other tree that ships compiled (middleware/, examples/).
// Each later tree imports the package by name ("tsgi"), resolved to the dist/ just built.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const projects = ["tsconfig.build.json", "middleware/tsconfig.build.json", "examples/tsconfig.build.json"];

rmSync("dist", { recursive: true, force: true });
for (const project of projects) {
  if (!existsSync(project)) continue;
  execFileSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
}
if (existsSync("dist/cli.js")) chmodSync("dist/cli.js", 0o755);
