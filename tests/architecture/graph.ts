// The import graph of src/ as the runtime sees it: every `import … from "…"` and `export … from "…"` whose
// specifier is a relative path, minus the imports that the transpiler erases (`import type`, `export type`,
// and braces that hold nothing but `type` names). Bare specifiers (npm packages, node:, bun:) are not ours.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** A file's source, keyed by its path relative to the source root ("core/index.ts"). */
export type Sources = Map<string, string>;

/** From → the files it loads at run time, both relative to the source root. */
export type Graph = Map<string, string[]>;

export function readSources(root: string): Sources {
  const out: Sources = new Map();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) out.set(relative(root, path), readFileSync(path, "utf8"));
    }
  };
  walk(root);
  return out;
}

// `import x from "m"`, `import { a, type B } from "m"`, `export * from "m"`, `export { a } from "m"`, `import "m"`.
// `[^;]*?` keeps a match inside one statement; `^` (multiline) keeps it off strings and comments mid-line.
const STATEMENT = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;

/**
 * The relative specifiers a source loads at run time; with `types`, those it names only for their types
 * as well (a loop through types alone breaks no start-up, but still ties the files into one).
 */
export function runtimeSpecifiers(source: string, opts: { types?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(STATEMENT)) {
    if (m[5]) {
      out.push(m[5]);
      continue;
    }
    if (!opts.types && (m[2] || onlyTypes(m[3] ?? ""))) continue; // import type / export type / { type A }
    out.push(m[4]!);
  }
  return out.filter((s) => s.startsWith("."));
}

/** `{ type A, type B }` with nothing else: the transpiler drops the whole statement. */
function onlyTypes(clause: string): boolean {
  const braces = clause.match(/^\{([\s\S]*)\}$/);
  if (!braces) return false;
  const names = braces[1]!.split(",").map((n) => n.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith("type "));
}

/** The import graph over `sources`, each specifier resolved against its file's folder (`types`: see runtimeSpecifiers). */
export function importGraph(sources: Sources, opts: { types?: boolean } = {}): Graph {
  const graph: Graph = new Map();
  for (const [file, source] of sources) {
    const targets = runtimeSpecifiers(source, opts).map((spec) => relative(".", join(dirname(file), spec)));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle among the files, each as the path that closes it (a → b → … → a); empty when there is none. */
export function findCycles(graph: Graph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

/** The folder a file belongs to as a module: its nearest ancestor folder that has an index file ("" = root). */
export function moduleOf(file: string, sources: Sources): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const here = dir === "." ? "" : dir;
    if (here === "" || sources.has(`${here}/index.ts`) || sources.has(`${here}/index.tsx`)) return here;
  }
}

/** Imports that reach into another module past its index file. */
export function indexViolations(graph: Graph, sources: Sources): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const mod = moduleOf(to, sources);
      if (mod === "" || from.startsWith(`${mod}/`)) continue;
      if (to !== `${mod}/index.ts` && to !== `${mod}/index.tsx`) out.push(`${from} → ${to} (use ${mod}/index)`);
    }
  }
  return out;
}

export function srcRoot(): string {
  const root = resolve(import.meta.dir, "../../src");
  if (!existsSync(root)) throw new Error(`no source tree at ${root}`);
  return root;
}
