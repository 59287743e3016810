// The dependency table of DESIGN.md (the repository's own map, "Dependency table"), checked against the imports src/ really has:
// which layer may load which, a folder is reached only through its index file, and no import loops.
// Type-only imports do not count: the transpiler erases them, so they load nothing at run time.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findCycles, importGraph, indexViolations, moduleOf, readSources, srcRoot, type Graph, type Sources } from "./graph.ts";

const EVERYTHING = "*";

/** One row of DESIGN.md's dependency table: `from` may load `to` (or nothing, for a leaf), because `why`. */
type Rule = { from: string; to: string | undefined; why: string };

/** The rows of the "Dependency table" section of DESIGN.md at the repository's top. */
export function readDependencyTable(markdown: string): Rule[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith("Dependency table"));
  if (!section) throw new Error("DESIGN.md has no \"Dependency table\" section");
  const rows = section
    .split("\n")
    .filter((line) => /^\|[^-]/.test(line))
    .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()))
    .filter(([from]) => from !== "layer");
  return rows.map(([from, to, why]) => {
    if (!from || !to || !why) throw new Error(`DESIGN.md: a dependency row needs a layer, what it may import and why: ${JSON.stringify([from, to, why])}`);
    return { from, to: to === "—" ? undefined : to, why };
  });
}

const RULES = readDependencyTable(readFileSync(join(srcRoot(), "..", "DESIGN.md"), "utf8"));

/** Layer → the layers it may load. A file's layer is the longest entry that is its path or a folder above it. */
const MAY_USE: Record<string, string[]> = {};
for (const { from, to } of RULES) (MAY_USE[from] ??= []).push(...(to ? [to] : []));

/** Files outside a folder may load these besides its index file: documented narrower faces. */
const SUB_FACES: Record<string, string> = {
  "core/ports.ts": "the interfaces backends implement (DESIGN.md: backends ─► core/ports)",
  "core/errors.ts": "the errors a backend may throw for core, without loading all of core",
};

type Violation = string;

function layerOf(file: string): string | undefined {
  return Object.keys(MAY_USE)
    .filter((layer) => file === layer || file.startsWith(`${layer}/`))
    .sort((a, b) => b.length - a.length)[0];
}

function allowed(from: string, to: string): boolean {
  const uses = MAY_USE[from] ?? [];
  return uses.includes(EVERYTHING) || uses.includes(to);
}

function layerViolations(graph: Graph): Violation[] {
  const out: Violation[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    if (!from) {
      out.push(`${file} is in no layer`);
      continue;
    }
    for (const target of targets) {
      const to = layerOf(target);
      if (to && to !== from && !allowed(from, to)) out.push(`${file} → ${target} (${from} may not use ${to})`);
    }
  }
  return out;
}

function faceViolations(graph: Graph, sources: Sources): Violation[] {
  return indexViolations(graph, sources).filter((v) => !Object.keys(SUB_FACES).some((face) => v.includes(` → ${face} `)));
}

const sources = readSources(srcRoot());
const graph = importGraph(sources);

describe("imports of src/", () => {
  test("every relative import names a file that exists (or an asset the bundler embeds)", () => {
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !sources.has(t) && /\.tsx?$/.test(t)).map((t) => `${file} → ${t}`));
    expect(missing).toEqual([]);
  });

  test("each layer loads only the layers DESIGN.md's dependency table allows", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  test("a folder is reached from outside only through its index file (or a listed sub-face)", () => {
    expect(faceViolations(graph, sources)).toEqual([]);
  });

  test("no import loops at run time", () => {
    expect(findCycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  // The zone store is layered inside its folder (README: transaction below the store, keys above it, shared
  // types at the bottom): not even a type-only import may close a loop there.
  test("dns/zone: no import loop between its files, type-only imports counted", () => {
    const zone: Sources = new Map([...sources].filter(([file]) => file.startsWith("dns/zone/")));
    expect(findCycles(importGraph(zone, { types: true })).map((c) => c.join(" → "))).toEqual([]);
  });

  test("every row of DESIGN.md's dependency table is still needed by some import", () => {
    const edges = new Set<string>();
    for (const [file, targets] of graph) for (const t of targets) edges.add(`${layerOf(file)}>${layerOf(t)}`);
    const unused = RULES.filter(({ to }) => to && to !== EVERYTHING).filter(({ from, to }) => !edges.has(`${from}>${to}`));
    expect(unused.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });

  test("every folder of src/ has a README", () => {
    const folders = new Set([...sources.keys()].map((f) => f.split("/").slice(0, -1).join("/")));
    const missing = [...folders].filter((dir) => !existsSync(join(srcRoot(), dir, "README.md")));
    expect(missing).toEqual([]);
  });
});

describe("the checker itself", () => {
  const fixture: Sources = new Map([
    ["a/index.ts", 'import { b } from "../b/index.ts";\nexport const a = 1;\n'],
    ["b/index.ts", 'import { a } from "../a/index.ts";\nimport type { T } from "../c/inner.ts";\nexport const b = 2;\n'],
    ["c/index.ts", 'export { inner } from "./inner.ts";\n'],
    ["c/inner.ts", "export const inner = 3;\nexport type T = number;\n"],
    ["d.ts", 'import {\n  inner,\n} from "./c/inner.ts";\nimport { type T } from "./a/index.ts";\n'],
  ]);
  const g = importGraph(fixture);

  test("two files that import each other are a cycle", () => {
    expect(findCycles(g)).toEqual([["a/index.ts", "b/index.ts", "a/index.ts"]]);
  });

  test("type-only imports load nothing; multi-line imports are read", () => {
    expect(g.get("b/index.ts")).toEqual(["a/index.ts"]);
    expect(g.get("d.ts")).toEqual(["c/inner.ts"]);
  });

  test("counting types, a type-only import is an edge", () => {
    const withTypes = importGraph(fixture, { types: true });
    expect(withTypes.get("b/index.ts")).toEqual(["a/index.ts", "c/inner.ts"]);
    expect(withTypes.get("d.ts")).toEqual(["c/inner.ts", "a/index.ts"]);
  });

  test("an import past a folder's index file is reported, one inside the folder is not", () => {
    expect(indexViolations(g, fixture)).toEqual(["d.ts → c/inner.ts (use c/index)"]);
    expect(moduleOf("c/inner.ts", fixture)).toBe("c");
  });

  test("the dependency table is read row by row; a leaf row allows nothing", () => {
    const table = "## Dependency table\n\n| layer | may import | why |\n|---|---|---|\n| a | b | a uses b |\n| b | — | a leaf |\n\n## Next\n| x | y | z |\n";
    expect(readDependencyTable(table)).toEqual([
      { from: "a", to: "b", why: "a uses b" },
      { from: "b", to: undefined, why: "a leaf" },
    ]);
    expect(() => readDependencyTable("| a | b |\n")).toThrow("Dependency table");
  });

  test("a layer loading one it may not is reported", () => {
    expect(layerViolations(new Map([["config/load.ts", ["core/index.ts"]]]))).toEqual(["config/load.ts → core/index.ts (config may not use core)"]);
    expect(layerViolations(new Map([["cli/x.ts", ["core/index.ts"]]]))).toEqual([]);
  });
});
