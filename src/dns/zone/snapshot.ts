// An immutable version of one zone (CoreDNS setData/snapshot, Knot RCU): built once per commit, then
// swapped in. Readers — a query, a running AXFR — hold one snapshot and see one consistent serial.
import { LayeredMap } from "./layered.ts";
import { inZone, rdataKey, soaFields } from "./rdata.ts";
import { normalizeName } from "../wire/index.ts";
import { canonicalCompare } from "../../net/index.ts";
import type { ChainIndex, RR, RRset, RRType, SerialScheme } from "./types.ts";

export { NodeSets, type Node } from "./node.ts";
import { NodeSets, type Node } from "./node.ts";
import { PackedBuilder, PackedNodes } from "./packed.ts";

/** RFC 4034 §6.1 canonical name order, the one every list of names in updns follows. */
export { canonicalCompare };

/** The name one label up ("" above a single label). */
export function parentName(name: string): string {
  const i = name.indexOf(".");
  return i < 0 ? "" : name.slice(i + 1);
}

/**
 * A wire-format answer dns/server prepared for one question: the question's lower-cased name in wire form,
 * its type, the variant of the answer (EDNS, DO, size limit), and the next answer whose key collides.
 */
export interface PreparedAnswer {
  name: Uint8Array;
  qtype: number;
  variant: number;
  wire: Uint8Array;
  next: PreparedAnswer | null;
}

export class ZoneSnapshot {
  /** Wire-format answers prepared for this version, filled lazily by dns/server, so a plain query is a map lookup and a patch. */
  readonly cache = new Map<number, PreparedAnswer>();

  constructor(
    readonly name: string,
    readonly serialScheme: SerialScheme,
    readonly nodes: ReadonlyMap<string, Node>,
    /** For every name in the zone that has names below it: how many nodes lie strictly below. */
    readonly below: ReadonlyMap<string, number>,
    /** How many names below the apex own NS records (delegations). */
    readonly cutCount = -1,
  ) {
    const soa = nodes.get(name)?.get("SOA");
    if (!soa || soa.data.length !== 1) throw new Error(`zone ${name} has no SOA at its apex`);
    this.soa = soa;
    this.serial = soaFields(soa.data[0]).serial;
    const f = soaFields(soa.data[0]);
    // RFC 2308 §5: the negative TTL is the smaller of the SOA's TTL and its MINIMUM field.
    this.negativeTtl = Math.min(f.minimum, soa.ttl);
  }

  readonly soa: RRset;
  readonly serial: number;
  readonly negativeTtl: number;
  /** Signed zones: the NSEC3/NSEC chain in order (set by the store before the snapshot is published). */
  chain: ChainIndex | null = null;

  get(name: string, type: RRType): RRset | undefined {
    return this.nodes.get(name)?.get(type);
  }

  /** Whether any name below the apex has NS records (a delegation), so lookups must watch for cuts. */
  get hasCuts(): boolean {
    return this.cutCount !== 0;
  }

  /** A name "exists" (RFC 4592 §2.2.2) when it owns records or is an empty non-terminal. */
  exists(name: string): boolean {
    return this.nodes.has(name) || (this.below.get(name) ?? 0) > 0;
  }

  contains(name: string): boolean {
    return inZone(name, this.name);
  }

  /**
   * Every RRset, SOA first — the body of an AXFR. Canonical order (RFC 4034 §6.1) when `sorted`; RFC 5936
   * does not ask for any order, so transfers skip the sort.
   */
  *rrsets(sorted = true): Generator<RRset> {
    yield this.soa;
    // Unsorted, the names are walked with their nodes (no second lookup of each name).
    const nodes = sorted ? this.sortedNodes() : this.nodes.entries();
    for (const [n, node] of nodes) for (const set of node.values()) if (!(n === this.name && set.type === "SOA")) yield set;
  }

  /** The nodes in canonical name order, each built only when reached (packed names, see packed.ts). */
  private *sortedNodes(): Generator<[string, Node]> {
    for (const n of [...this.nodes.keys()].sort(canonicalCompare)) yield [n, this.nodes.get(n)!];
  }

  /**
   * The nodes split for a walk over all of them in bulk (an AXFR): the packed names of the base, read from
   * their bytes (less the ids in `skip`: changed since, in the layer on top), and every other node as it is.
   */
  walkParts(): { packed: PackedNodes | null; skip: Uint8Array | null; others: [string, Node][] } {
    if (!(this.nodes instanceof LayeredMap)) return { packed: null, skip: null, others: [...this.nodes] };
    const { base, layer } = (this.nodes as LayeredMap<string, Node>).split();
    if (!(base instanceof PackedNodes)) return { packed: null, skip: null, others: [...this.nodes] };
    const skip = new Uint8Array(base.count);
    const changed = new Set<string>();
    for (const [k] of layer) {
      changed.add(k);
      const id = base.find(k);
      if (id >= 0) skip[id] = 1;
    }
    const others: [string, Node][] = [];
    for (const e of base.overflow) if (!changed.has(e[0])) others.push(e);
    for (const [k, v] of layer) if (v) others.push([k, v]);
    return { packed: base, skip, others };
  }

  /** Every record, SOA first (canonical name order when `sorted`); each set's RRSIGs follow it. */
  *records(sorted = true): Generator<RR> {
    for (const s of this.rrsets(sorted)) {
      for (const d of s.data) yield { name: s.name, type: s.type, ttl: s.ttl, data: d };
      if (s.sigs) for (const d of s.sigs) yield { name: s.name, type: "RRSIG", ttl: s.ttl, data: d };
    }
  }

  get size(): number {
    let n = 0;
    for (const node of this.nodes.values()) for (const s of node.values()) n += s.data.length;
    return n;
  }
}

/**
 * Build a snapshot from a list of records (start-up, tests). `pack: false` (a signed zone: none of its
 * names can be packed) skips the packing attempt; the result is the same either way.
 */
export function buildSnapshot(zone: string, scheme: SerialScheme, records: Iterable<RR>, opts: { pack?: boolean } = {}): ZoneSnapshot {
  const pack = opts.pack !== false;
  // A and AAAA rows go straight into the packed form (packed.ts); the rest is grouped into plain arrays
  // (no Set per RRset: a million-host zone builds in seconds, not tens).
  const packed = new PackedBuilder();
  // Keyed by the lower-case name (lookups are case-insensitive, RFC 4343 §3); each set keeps its owner as
  // first written.
  const groups = new Map<string, { name: string; type: RRType; ttl: number; data: string[]; sigs?: string[] }[]>();
  const group = (written: string, type: RRType, ttl: number, data: string) => {
    const name = keyOf(written);
    let g = groups.get(name);
    if (!g) groups.set(name, (g = []));
    let s = g.find((x) => x.type === type);
    if (!s) g.push((s = { name: written, type, ttl, data: [] }));
    s.ttl = Math.min(s.ttl, ttl);
    s.data.push(data);
  };
  const rrsigs: RR[] = [];
  for (const rr of records) {
    // Packed names are lower case (packed.ts); a name written in another case stays a NodeSets.
    if (pack && (rr.type === "A" || rr.type === "AAAA") && keyOf(rr.name) === rr.name) {
      const id = packed.intern(rr.name);
      if (id >= 0 && packed.addRow(id, rr.type, rr.ttl, rr.data)) continue;
    }
    if (rr.type === "RRSIG") rrsigs.push(rr);
    else group(rr.name, rr.type, rr.ttl, rr.data);
  }
  // A name with other records or signatures is kept whole as a NodeSets: its packed rows come back as text.
  packed.settleRows([...groups.keys(), ...rrsigs.map((r) => keyOf(r.name))], group);
  // Below-counts: the packed names now, those in `groups` below (addNode may pack some of them too).
  const below = new Map<string, number>();
  const direct = packed.countUnder(zone, (name) => countBelow(below, name, zone, +1));
  if (direct > 0) below.set(zone, (below.get(zone) ?? 0) + direct);
  // RRSIG rows go with the set they cover (the first field of their rdata); one without a set is dropped.
  for (const rr of rrsigs) {
    const covered = rr.data.slice(0, rr.data.indexOf(" "));
    const s = groups.get(keyOf(rr.name))?.find((x) => x.type === covered);
    if (s) (s.sigs ??= []).push(rr.data);
  }
  let cuts = 0;
  for (const [name, g] of groups) {
    const sets: RRset[] = g.map((x) => {
      const set: RRset = { name: x.name, type: x.type, ttl: x.ttl, data: x.data.length === 1 ? x.data : uniqueRdata(x.type, x.data) };
      return x.sigs ? { ...set, sigs: [...new Set(x.sigs)].sort() } : set;
    });
    const node = new NodeSets(sets);
    packed.addNode(name, node, pack);
    if (name !== zone && node.has("NS")) cuts++;
    countBelow(below, name, zone, +1);
  }
  return new ZoneSnapshot(zone, scheme, LayeredMap.of(packed.finish()), LayeredMap.of(below), cuts);
}

/**
 * The lower-case key of a stored owner name (storage holds them without the trailing dot). Names are
 * nearly always lower case already: a scan, no copy, keeps loading a million hosts fast.
 */
function keyOf(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return normalizeName(name);
  }
  return name;
}

/** Rdata without duplicates (names in any case are one name: rdataKey), sorted. */
function uniqueRdata(type: RRType, data: string[]): string[] {
  const seen = new Map<string, string>();
  for (const d of data) if (!seen.has(rdataKey(type, d))) seen.set(rdataKey(type, d), d);
  return [...seen.values()].sort();
}

/** Add `delta` to the below-count of every proper ancestor of `name` down to the apex. */
export function countBelow(below: Map<string, number>, name: string, zone: string, delta: number): void {
  let n = name;
  // Bounded by the label count of the name (≤ 127).
  for (let i = 0; i < 128 && n !== zone; i++) {
    n = parentName(n);
    const v = (below.get(n) ?? 0) + delta;
    if (v === 0) below.delete(n);
    else below.set(n, v);
    if (n === "") break;
  }
}

/** The set of zones served, found by the closest enclosing apex. Immutable; swapped as a whole. */
export class ZoneSet {
  constructor(readonly zones: ReadonlyMap<string, ZoneSnapshot>) {}

  /** The zone whose apex is the closest ancestor-or-self of `name`. */
  find(name: string): ZoneSnapshot | undefined {
    let n = name;
    for (let i = 0; i < 128; i++) {
      const z = this.zones.get(n);
      if (z) return z;
      if (n === "") return undefined;
      n = parentName(n);
    }
    return undefined;
  }

  with(z: ZoneSnapshot): ZoneSet {
    const m = new Map(this.zones);
    m.set(z.name, z);
    return new ZoneSet(m);
  }

  without(name: string): ZoneSet {
    const m = new Map(this.zones);
    m.delete(name);
    return new ZoneSet(m);
  }
}
