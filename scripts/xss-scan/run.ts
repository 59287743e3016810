// Runs Kita's xss-scan over every .tsx file of src/: a JSX child that is a plain string (a user value not
// marked `safe`) fails the build. The scanner lives in this folder with its own TypeScript 5, because it
// uses the TypeScript compiler API that the project's TypeScript 7 does not have.
// Usage: bun scripts/xss-scan/run.ts
import { Glob } from "bun";
import { existsSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dir;
const root = join(here, "..", "..");
const cli = join(here, "node_modules/@kitajs/ts-html-plugin/dist/cli.js");
if (!existsSync(cli)) {
  const install = Bun.spawnSync(["npm", "ci", "--silent", "--no-audit", "--no-fund"], { cwd: here, stdout: "inherit", stderr: "inherit" });
  if (install.exitCode !== 0) process.exit(install.exitCode ?? 1);
}
const files = [...new Glob("src/**/*.tsx").scanSync(root)].sort();
if (files.length === 0) {
  console.error("xss-scan: no .tsx files found");
  process.exit(1);
}
// Node runs the scanner (it is a Node CLI); Bun would do too, but Node is what its authors test.
const node = Bun.which("node") ?? process.execPath;
const r = Bun.spawnSync([node, cli, "-p", "tsconfig.json", ...files], { cwd: root, stdout: "inherit", stderr: "inherit" });
process.exit(r.exitCode ?? 1);
