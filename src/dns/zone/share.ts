// Zone snapshots handed to other threads (dns/server answers queries in several): the bulk of a large zone,
// its packed names (packed.ts), lies in SharedArrayBuffers that every thread reads in place; the rest goes
// by message, and only what changed: a base map already sent goes by its number, the layer of changes on
// top of it (layered.ts) as its difference from the layer sent before, and a zone whose snapshot did not
// change by its name. A commit then costs each thread about the size of the commit, not of the zone.
import { LayeredMap, type LayerDiff } from "./layered.ts";
import { NodeSets, type Node } from "./node.ts";
import { PackedNodes, type SharedPacked } from "./packed.ts";
import type { ChainIndex } from "./types.ts";
import { canonicalCompare, ZoneSet, ZoneSnapshot } from "./snapshot.ts";
import { SortedSet } from "./sortedset.ts";
import type { RRset, SerialScheme } from "./types.ts";

/** A base map: its content only the first time a thread gets it. */
interface SharedBase {
  id: number;
  packed?: SharedPacked;
  nodes?: [string, RRset[]][];
  counts?: [string, number][];
}

/** A LayeredMap as its base and its layer's difference from the one sent before (values encoded). */
type SharedLayer<W> = { base: SharedBase } & Omit<LayerDiff<string, W>, "base">;

interface SharedZone {
  name: string;
  /** Unchanged since the last message: the receiver keeps the snapshot it has. */
  same?: true;
  scheme?: SerialScheme;
  cutCount?: number;
  nodes?: SharedLayer<RRset[]>;
  below?: SharedLayer<number>;
  /** A signed zone's chain order (as sorted), "same" when it did not change; null: unsigned. */
  chain?: { kind: ChainIndex["kind"]; values: string[] } | "same" | null;
}

/** One version of the zone set, for a thread: every zone served (the ones not listed are gone). */
export interface SharedZoneSet {
  zones: SharedZone[];
}

const layered = <V>(m: ReadonlyMap<string, V>): LayeredMap<string, V> => (m instanceof LayeredMap ? (m as LayeredMap<string, V>) : LayeredMap.of(m));
const setsOf = (node: Node): RRset[] => [...node.values()];
/** NSEC3 hash labels sort as plain strings (signer.ts orders them so). */
const strCmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The sending side: remembers what the receiving threads hold. All receivers get every message, in order. */
export class ZoneSetSharer {
  private sent = new Map<string, { snap: ZoneSnapshot; nodes: LayeredMap<string, Node>; below: LayeredMap<string, number> }>();
  private baseIds = new WeakMap<object, number>();
  private nextId = 1;

  /** `set` as a message (structured-clonable; the packed arrays are shared, not copied). */
  share(set: ZoneSet): SharedZoneSet {
    const zones: SharedZone[] = [];
    const next: typeof this.sent = new Map();
    for (const [name, z] of set.zones) {
      const prev = this.sent.get(name);
      if (prev?.snap === z) {
        next.set(name, prev);
        zones.push({ name, same: true });
        continue;
      }
      const nodes = layered(z.nodes);
      const below = layered(z.below);
      next.set(name, { snap: z, nodes, below });
      zones.push({
        name,
        scheme: z.serialScheme,
        cutCount: z.cutCount,
        nodes: this.layer(nodes.diff(prev?.nodes), (b) => (b instanceof PackedNodes ? { packed: b.share() } : { nodes: [...b].map(([k, n]) => [k, setsOf(n)]) }), (n) => n && setsOf(n)),
        below: this.layer(below.diff(prev?.below), (b) => ({ counts: [...b] }), (v) => v),
        chain: z.chain === null ? null : prev?.snap.chain?.order === z.chain.order && prev.snap.chain.kind === z.chain.kind ? "same" : { kind: z.chain.kind, values: [...z.chain.order.values()] },
      });
    }
    this.sent = next;
    return { zones };
  }

  private layer<V, W>(d: LayerDiff<string, V>, content: (base: ReadonlyMap<string, V>) => Omit<SharedBase, "id">, value: (v: V | undefined) => W | undefined): SharedLayer<W> {
    let id = this.baseIds.get(d.base);
    let base: SharedBase;
    if (id !== undefined) base = { id };
    else {
      id = this.nextId++;
      this.baseIds.set(d.base, id);
      base = { id, ...content(d.base) };
    }
    return { base, full: d.full, changed: d.changed.map(([k, v]) => [k, value(v)]), removed: d.removed, size: d.size };
  }
}

interface Held {
  snap: ZoneSnapshot;
  nodes: LayeredMap<string, Node>;
  below: LayeredMap<string, number>;
  /** The numbers of the bases it stands on. */
  bases: [number, number];
}

/** The receiving side: rebuilds each version over the shared memory and what it already holds. */
export class ZoneSetReceiver {
  private held = new Map<string, Held>();
  private bases = new Map<number, ReadonlyMap<string, unknown>>();
  current = new ZoneSet(new Map());

  receive(m: SharedZoneSet): ZoneSet {
    const held = new Map<string, Held>();
    for (const s of m.zones) {
      const prev = this.held.get(s.name);
      if (s.same) {
        if (!prev) throw new Error(`zone ${s.name} was never sent`);
        held.set(s.name, prev);
        continue;
      }
      const nodes = LayeredMap.fromDiff<string, Node>(this.base(s.nodes!.base) as ReadonlyMap<string, Node>, prev?.nodes, {
        ...s.nodes!,
        changed: s.nodes!.changed.map(([k, sets]) => [k, sets ? new NodeSets(sets) : undefined]),
      });
      const below = LayeredMap.fromDiff<string, number>(this.base(s.below!.base) as ReadonlyMap<string, number>, prev?.below, s.below!);
      const snap = new ZoneSnapshot(s.name, s.scheme!, nodes, below, s.cutCount);
      const c = s.chain ?? null;
      snap.chain = c === null ? null : c === "same" ? prev!.snap.chain : { kind: c.kind, order: SortedSet.fromSorted(c.values, c.kind === "nsec3" ? strCmp : canonicalCompare) };
      held.set(s.name, { snap, nodes, below, bases: [s.nodes!.base.id, s.below!.base.id] });
    }
    // A zone added or removed can change answers cached in the others (a CNAME that now leads into it).
    if (held.size !== this.held.size || [...held.keys()].some((k) => !this.held.has(k))) for (const h of held.values()) h.snap.cache.clear();
    this.held = held;
    // Bases no zone stands on any more are let go (a fold made a fresh one).
    const used = new Set<number>();
    for (const h of held.values()) used.add(h.bases[0]).add(h.bases[1]);
    for (const id of this.bases.keys()) if (!used.has(id)) this.bases.delete(id);
    this.current = new ZoneSet(new Map([...held].map(([k, h]) => [k, h.snap])));
    return this.current;
  }

  private base(b: SharedBase): ReadonlyMap<string, unknown> {
    let m = this.bases.get(b.id);
    if (!m) {
      if (b.packed) m = PackedNodes.fromShared(b.packed);
      else if (b.nodes) m = new Map(b.nodes.map(([k, sets]) => [k, new NodeSets(sets)]));
      else if (b.counts) m = new Map(b.counts);
      else throw new Error(`base ${b.id} was never sent`);
      this.bases.set(b.id, m);
    }
    return m;
  }
}
