// Zone snapshots handed to other threads (dns/server answers queries in several): the bulk of a large zone,
// its packed names (packed.ts), lies in SharedArrayBuffers that every thread reads in place; what a commit
// changes (the small layer on top, the SOA, the below-counts) is copied. A base already sent goes by its
// number only, and a zone whose snapshot did not change by its name only, so a commit costs each thread
// about the size of the commit, not of the zone.
import { LayeredMap } from "./layered.ts";
import { NodeSets, type Node } from "./node.ts";
import { PackedNodes, type SharedPacked } from "./packed.ts";
import { indexOf } from "./signer.ts";
import { ZoneSet, ZoneSnapshot } from "./snapshot.ts";
import type { RRset, SerialScheme } from "./types.ts";

/** A zone's base map: its content only the first time a thread gets it. */
interface SharedBase {
  id: number;
  packed?: SharedPacked;
  plain?: [string, RRset[]][];
}

interface SharedZone {
  name: string;
  /** Unchanged since the last message: the receiver keeps the snapshot it has. */
  same?: true;
  scheme?: SerialScheme;
  cutCount?: number;
  base?: SharedBase;
  layer?: [string, RRset[] | undefined][];
  size?: number;
  below?: [string, number][];
  signed?: boolean;
}

/** One version of the zone set, for a thread: every zone served (the ones not listed are gone). */
export interface SharedZoneSet {
  zones: SharedZone[];
}

const setsOf = (node: Node | undefined): RRset[] | undefined => (node ? [...node.values()] : undefined);

/** The sending side: remembers what the receiving threads already hold. All receivers get every message. */
export class ZoneSetSharer {
  private sent = new Map<string, ZoneSnapshot>();
  private baseIds = new WeakMap<object, number>();
  private nextId = 1;

  /** `set` as a message (structured-clonable; the packed arrays are shared, not copied). */
  share(set: ZoneSet): SharedZoneSet {
    const zones: SharedZone[] = [];
    const next = new Map<string, ZoneSnapshot>();
    for (const [name, z] of set.zones) {
      next.set(name, z);
      if (this.sent.get(name) === z) {
        zones.push({ name, same: true });
        continue;
      }
      const layered = z.nodes instanceof LayeredMap ? (z.nodes as LayeredMap<string, Node>).parts() : { base: z.nodes, layer: [], size: z.nodes.size };
      let id = this.baseIds.get(layered.base);
      let base: SharedBase;
      if (id !== undefined) base = { id };
      else {
        id = this.nextId++;
        this.baseIds.set(layered.base, id);
        base = layered.base instanceof PackedNodes ? { id, packed: layered.base.share() } : { id, plain: [...layered.base].map(([k, node]) => [k, setsOf(node)!]) };
      }
      zones.push({
        name,
        scheme: z.serialScheme,
        cutCount: z.cutCount,
        base,
        layer: layered.layer.map(([k, node]) => [k, setsOf(node)]),
        size: layered.size,
        below: [...z.below],
        signed: z.chain !== null,
      });
    }
    this.sent = next;
    return { zones };
  }
}

/** The receiving side: rebuilds each version over the shared memory and the bases it already holds. */
export class ZoneSetReceiver {
  private zones = new Map<string, ZoneSnapshot>();
  private bases = new Map<number, ReadonlyMap<string, Node>>();
  private baseOf = new Map<string, number>();
  current = new ZoneSet(new Map());

  receive(m: SharedZoneSet): ZoneSet {
    const zones = new Map<string, ZoneSnapshot>();
    const baseOf = new Map<string, number>();
    for (const s of m.zones) {
      if (s.same) {
        const z = this.zones.get(s.name);
        if (!z) throw new Error(`zone ${s.name} was never sent`);
        zones.set(s.name, z);
        baseOf.set(s.name, this.baseOf.get(s.name)!);
        continue;
      }
      const b = s.base!;
      let base = this.bases.get(b.id);
      if (!base) {
        if (b.packed) base = PackedNodes.fromShared(b.packed);
        else if (b.plain) base = new Map(b.plain.map(([k, sets]) => [k, new NodeSets(sets)]));
        else throw new Error(`base ${b.id} of zone ${s.name} was never sent`);
        this.bases.set(b.id, base);
      }
      const nodes = LayeredMap.fromParts<string, Node>(base, s.layer!.map(([k, sets]) => [k, sets ? new NodeSets(sets) : undefined]), s.size!);
      const z = new ZoneSnapshot(s.name, s.scheme!, nodes, new Map(s.below!), s.cutCount);
      // The chain index of a signed zone is rebuilt here from its NSEC3/NSEC records (it is derived data).
      if (s.signed) z.chain = indexOf(z);
      zones.set(s.name, z);
      baseOf.set(s.name, b.id);
    }
    // A zone added or removed can change answers cached in the others (a CNAME that now leads into it).
    if (zones.size !== this.zones.size || [...zones.keys()].some((k) => !this.zones.has(k))) for (const z of zones.values()) z.cache.clear();
    // Bases no zone stands on any more are let go (a fold made a fresh one).
    const used = new Set(baseOf.values());
    for (const id of this.bases.keys()) if (!used.has(id)) this.bases.delete(id);
    this.zones = zones;
    this.baseOf = baseOf;
    this.current = new ZoneSet(zones);
    return this.current;
  }
}
