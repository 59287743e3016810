// The dependency rules of DESIGN.md ("Dependency direction"), checked against the imports src/ really has:
// which layer may load which, a folder is reached only through its index file, and no import loops.
// Type-only imports do not count: the transpiler erases them, so they load nothing at run time.
import { describe, expect, test } from "bun:test";
import { findCycles, importGraph, indexViolations, moduleOf, readSources, srcRoot, type Graph, type Sources } from "./graph.ts";

const EVERYTHING = "*";

/** Layer → the layers it may load. A file's layer is the longest entry that is its path or a folder above it. */
const MAY_USE: Record<string, string[]> = {
  // From DESIGN.md's table.
  "main.ts": [EVERYTHING],
  cli: [EVERYTHING],
  "http/api": ["core"],
  "http/web": ["core", "auth"],
  jobs: ["core"],
  "dns/server": ["core", "dns/zone", "dns/wire"],
  auth: ["db"],
  core: ["db", "core/ports.ts"],
  "core/ports.ts": [],
  backends: ["core/ports.ts", "db", "dns/zone", "dns/rfc2136"],
  "dns/rfc2136": ["dns/wire"],
  "dns/zone": ["dns/wire"],
  "dns/wire": [],
  config: [],
  db: [],
  // Layers DESIGN.md does not name yet; each of their edges is listed in BUILT below.
  "core/errors.ts": [],
  "dns/dnssec": [],
  http: [],
  log: [],
  metrics: [],
  i18n: [],
  mail: [],
  net: [],
};

/** Edges the code as built has beyond DESIGN.md's table, each with why; DESIGN.md should catch up with these. */
const BUILT: [from: string, to: string, why: string][] = [
  ["core", "core/errors.ts", "the errors core throws, one file so that callers can catch them"],
  ["core", "log", "the update use case logs refused credentials for fail2ban (AuthFailureLog)"],
  ["backends", "core/errors.ts", "the embedded records store refuses with core's ZoneRecordError"],
  ["backends", "core", "the forwarder backend is core's forwarder queue, run by a worker with core's clock"],
  ["auth", "core", "an account is core's User, checked by core's username and password rules"],
  ["auth", "i18n", "a profile's language must be one with a catalogue"],
  ["dns/dnssec", "db", "DNSSEC private keys are sealed in the database (sealed secrets)"],
  ["dns/zone", "dns/dnssec", "a zone is signed on commit; rdata uses the DNSSEC text encodings (base32hex, type bitmaps)"],
  ["dns/server", "dns/dnssec", "authenticated denial (NSEC/NSEC3) in answers"],
  ["http/api", "http", "client address and proxy trust are shared by the API and the web UI"],
  ["http/api", "i18n", "dyndns2 and API answers in the caller's language"],
  ["http/api", "log", "refused credentials are logged for fail2ban; URLs are logged redacted"],
  ["http/web", "http", "client address and proxy trust are shared by the API and the web UI"],
  ["http/web", "i18n", "pages are translated"],
  ["http/web", "log", "sign-in failures are logged for fail2ban"],
  ["http/web", "mail", "sign-up, password reset and invitations send mail"],
  ["http/web", "config", "the setup page builds a throwaway default config for its standalone server"],
  ["jobs", "db", "jobs record their runs and sweep rows"],
  ["jobs", "auth", "the cleanup jobs expire sessions and unconfirmed accounts"],
  ["jobs", "mail", "jobs mail owners about faults and expiring hosts"],
  ["jobs", "i18n", "dates in those mails are formatted for the reader"],
  ["jobs", "config", "job schedules are cron expressions, parsed where config validates them"],
  ["jobs", "backends", "the zone check asks each zone's backend"],
  ["jobs", "dns/zone", "the zone check compares served zones"],
  ["jobs", "dns/rfc2136", "the secondaries check queries them over DNS"],
  // net is a leaf of text rules ("host:port") that every layer reads settings and stored rows with.
  ["config", "net", "listen and resolver settings are checked by the one host:port reading"],
  ["core", "net", "the update API's addresses and prefixes; a zone's secondaries and primary are checked by the one host:port reading; records are listed in canonical name order"],
  ["http", "net", "the listeners read [http] listen with the one host:port reading; the client address is parsed by the address rules"],
  ["http/web", "net", "the secondary snippets name the primary's address and port"],
  ["dns/wire", "net", "the NOTIFY source follows the addresses [dns] listen names"],
  ["dns/rfc2136", "net", "a primary or resolver address is read with the one host:port reading"],
  ["dns/server", "net", "a zone's transfer ACL is an address set like every other list of addresses"],
  ["dns/zone", "net", "NSEC chains and zone listings are in the one canonical name order (RFC 4034 §6.1)"],
];

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
  return uses.includes(EVERYTHING) || uses.includes(to) || BUILT.some(([f, t]) => f === from && t === to);
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

  test("each layer loads only the layers DESIGN.md's table (and the listed additions) allow", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  test("a folder is reached from outside only through its index file (or a listed sub-face)", () => {
    expect(faceViolations(graph, sources)).toEqual([]);
  });

  test("no import loops at run time", () => {
    expect(findCycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  test("the additions to DESIGN.md's table are each still needed", () => {
    const edges = new Set<string>();
    for (const [file, targets] of graph) for (const t of targets) edges.add(`${layerOf(file)}>${layerOf(t)}`);
    expect(BUILT.filter(([f, t]) => !edges.has(`${f}>${t}`)).map(([f, t]) => `${f} → ${t}`)).toEqual([]);
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

  test("an import past a folder's index file is reported, one inside the folder is not", () => {
    expect(indexViolations(g, fixture)).toEqual(["d.ts → c/inner.ts (use c/index)"]);
    expect(moduleOf("c/inner.ts", fixture)).toBe("c");
  });

  test("a layer loading one it may not is reported", () => {
    expect(layerViolations(new Map([["config/load.ts", ["core/index.ts"]]]))).toEqual(["config/load.ts → core/index.ts (config may not use core)"]);
    expect(layerViolations(new Map([["cli/x.ts", ["core/index.ts"]]]))).toEqual([]);
  });
});
