// The transaction of one commit: the working copy of a zone (Overlay — the base snapshot plus the RRsets
// changed so far, with savepoints so one failing body of a group commit is undone alone), the ZoneTx that
// transaction bodies write through, and the zone rules every touched name is checked against. It knows
// nothing of queues, storage or keys: the store (store.ts) runs the bodies and commits what they left.
import { normalizeName } from "../wire/index.ts";
import { checkName, inZone, parseRdata, RdataError, rdataKey, soaFields, tokenize } from "./rdata.ts";
import { LayeredMap } from "./layered.ts";
import { countBelow, type Node, NodeSets, ZoneSnapshot } from "./snapshot.ts";
import { isDnssecType, isZoneType, type RR, type RRset, type RRType, type SignView, ZoneError } from "./types.ts";

/** What a transaction body may do. Names may be given with or without the trailing dot, in any case. */
export interface ZoneTx {
  readonly zone: string;
  /** The RRset as it stands inside this transaction. */
  get(name: string, type: RRType): RRset | undefined;
  /** Types present at a name inside this transaction. */
  types(name: string): RRType[];
  /** Owner names strictly below `name` that hold records inside this transaction (walks the zone: small zones only). */
  namesBelow(name: string): string[];
  /** Make (name, type) hold exactly `data` (presentation or canonical rdata) with `ttl`; [] deletes it. */
  replaceRRset(name: string, type: RRType, ttl: number, data: readonly string[]): void;
  deleteRRset(name: string, type: RRType): void;
  /** Delete every RRset of a name (at the apex the SOA and NS stay: RFC 2136 §3.4.2.3). */
  deleteName(name: string): void;
  /** Add one record; an equal record gets the new TTL (the whole RRset does: RFC 2181 §5.2). */
  addRR(rr: { name: string; type: RRType; ttl: number; data: string }): void;
  /** Delete one record (matched on canonical rdata). */
  deleteRR(rr: { name: string; type: RRType; data: string }): void;
  /**
   * Change SOA timers or names. The serial is the store's to set; `serial` only asks for one (a master
   * file's on import): the commit takes it when it is newer than the zone's (RFC 1982), else its next one.
   */
  updateSoa(fields: Partial<{ mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number; ttl: number }>): void;
}

const key = (name: string, type: RRType) => `${name}\0${type}`;

/** Canonical rdata of presentation/canonical text; ZoneError "invalid" naming the problem. */
export function canonical(zone: string, type: RRType, data: string): string {
  try {
    return parseRdata(type, tokenize(data), zone);
  } catch (e) {
    if (e instanceof RdataError) throw new ZoneError(`bad ${type} data ${JSON.stringify(data)}: ${e.message}`, "invalid");
    throw e;
  }
}

/** An owner name as written (RFC 4343 §4: the case is kept for storage and output), no trailing dot. */
export function asWritten(name: string): string {
  const n = name.trim();
  return n.endsWith(".") ? n.slice(0, -1) : n;
}

/** Rdata without duplicates (compared by rdataKey: names in any case are one name), the first written kept. */
function uniqueRdata(type: RRType, data: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const d of data) {
    const k = rdataKey(type, d);
    if (!seen.has(k)) seen.set(k, d);
  }
  return [...seen.values()].sort();
}

/**
 * An owner name, absolute, checked to be inside the zone: the lower-case key nodes are found by. Relative
 * names are NOT accepted here.
 */
export function ownerIn(zone: string, name: string): string {
  const n = normalizeName(name);
  try {
    checkName(n);
  } catch (e) {
    throw new ZoneError((e as Error).message, "invalid");
  }
  if (!inZone(n, zone)) throw new ZoneError(`${n} is not inside zone ${zone}`, "notzone");
  return n;
}

interface NodeView {
  readonly name: string;
  get(name: string, type: RRType): RRset | undefined;
  typesAt(name: string): RRType[];
}

/** Zone rules checked on every touched name before a commit. */
export function validateNodes(z: NodeView | ZoneSnapshot, names: Iterable<string>): void {
  // RFC 4035 §2.5: RRSIG and NSEC may sit beside a CNAME; the signer's records are not the user's data.
  const typesAt = (n: string): RRType[] => ("typesAt" in z ? z.typesAt(n) : [...(z.nodes.get(n)?.keys() ?? [])]).filter((t) => !isDnssecType(t));
  for (const n of names) {
    const types = typesAt(n);
    if (n === z.name) {
      const soa = z.get(n, "SOA");
      if (!soa || soa.data.length !== 1) throw new ZoneError(`the apex of ${z.name} must keep exactly one SOA`, "apex");
      if (!z.get(n, "NS")?.data.length) throw new ZoneError(`the apex of ${z.name} must keep at least one NS record`, "apex");
      if (types.includes("CNAME")) throw new ZoneError(`no CNAME at the apex of ${z.name} (RFC 1034 §3.6.2: it would clash with SOA and NS)`, "cname");
    } else if (types.includes("SOA")) throw new ZoneError(`SOA only at the apex of ${z.name}`, "apex");
    // RFC 1034 §3.6.2 / RFC 2181 §10.1: a CNAME owner has no other data, and one CNAME only.
    if (types.includes("CNAME")) {
      if (types.length > 1) throw new ZoneError(`${n} has a CNAME and other records (${types.filter((t) => t !== "CNAME").join(", ")}); a CNAME stands alone`, "cname");
      if (z.get(n, "CNAME")!.data.length > 1) throw new ZoneError(`${n} has more than one CNAME`, "cname");
    }
  }
}

/** The working copy of one zone during a commit: base snapshot + changed RRsets (null = deleted). */
export class Overlay implements NodeView, SignView {
  readonly name: string;
  private changes = new Map<string, RRset | null>();
  private touched = new Map<string, Set<RRType>>();

  constructor(readonly base: ZoneSnapshot) {
    this.name = base.name;
  }

  get(name: string, type: RRType): RRset | undefined {
    const k = key(name, type);
    if (this.changes.has(k)) return this.changes.get(k) ?? undefined;
    return this.base.get(name, type);
  }

  typesAt(name: string): RRType[] {
    const out = new Set<RRType>(this.base.nodes.get(name)?.keys() ?? []);
    for (const t of this.touched.get(name) ?? []) {
      if (this.changes.get(key(name, t))) out.add(t);
      else out.delete(t);
    }
    return [...out];
  }

  set(name: string, type: RRType, s: RRset | null): void {
    const cur = this.get(name, type);
    if (sameSet(cur, s ?? undefined)) return;
    const k = key(name, type);
    let t = this.touched.get(name);
    // Undo log for savepoints: what the slot held before (absent = not in `changes`).
    this.undo.push({ k, name, type, had: this.changes.has(k), prev: this.changes.get(k), newName: !t, newType: !t || !t.has(type) });
    this.changes.set(k, s);
    if (!t) this.touched.set(name, (t = new Set()));
    t.add(type);
  }

  private undo: { k: string; name: string; type: RRType; had: boolean; prev: RRset | null | undefined; newName: boolean; newType: boolean }[] = [];

  /** Names changed since a savepoint (what one transaction body touched). */
  touchedSince(sp: number): Set<string> {
    const out = new Set<string>();
    for (let i = sp; i < this.undo.length; i++) out.add(this.undo[i].name);
    return out;
  }

  /** A savepoint: the undo log's length (cost O(1), so a batch of n transactions stays O(n)). */
  save(): number {
    return this.undo.length;
  }
  restore(sp: number): void {
    // Bounded by the log length; entries are undone newest first.
    while (this.undo.length > sp) {
      const u = this.undo.pop()!;
      if (u.had) this.changes.set(u.k, u.prev!);
      else this.changes.delete(u.k);
      if (u.newName) this.touched.delete(u.name);
      else if (u.newType) this.touched.get(u.name)?.delete(u.type);
    }
  }
  changedSince(sp: number): boolean {
    return this.undo.length !== sp;
  }

  /** Names and types written so far. */
  touchedNames(): ReadonlyMap<string, ReadonlySet<RRType>> {
    return this.touched;
  }

  /** Removed and added records against the base (SOA left out: the commit handles it); null if none. */
  diff(): { removed: RR[]; added: RR[] } | null {
    const removed: RR[] = [];
    const added: RR[] = [];
    let soaChanged = false;
    for (const [k, s] of this.changes) {
      const [key, type] = k.split("\0") as [string, RRType];
      const old = this.base.get(key, type);
      if (sameSet(old, s ?? undefined)) continue;
      // Rows carry the owner as written; a new TTL or a new case of the owner replaces every row.
      const ttlChanged = !!old && !!s && (old.ttl !== s.ttl || old.name !== s.name);
      const name = s?.name ?? old!.name;
      const oldName = old?.name ?? name;
      if (type === "SOA") soaChanged = true;
      else {
        const oldData = new Set(old?.data ?? []);
        const newData = new Set(s?.data ?? []);
        for (const d of oldData) if (ttlChanged || !newData.has(d)) removed.push({ name: oldName, type, ttl: old!.ttl, data: d });
        for (const d of newData) if (ttlChanged || !oldData.has(d)) added.push({ name, type, ttl: s!.ttl, data: d });
      }
      // Signatures are rows of type RRSIG with the TTL of the set they cover (RFC 4034 §3).
      const oldSigs = new Set(old?.sigs ?? []);
      const newSigs = new Set(s?.sigs ?? []);
      for (const d of oldSigs) if (ttlChanged || !newSigs.has(d)) removed.push({ name: oldName, type: "RRSIG", ttl: old!.ttl, data: d });
      for (const d of newSigs) if (ttlChanged || !oldSigs.has(d)) added.push({ name, type: "RRSIG", ttl: s!.ttl, data: d });
    }
    if (removed.length === 0 && added.length === 0 && !soaChanged) return null;
    return { removed, added };
  }

  /** The new snapshot: the base's maps with the touched nodes replaced (cost ∝ changes, see layered.ts). */
  build(): ZoneSnapshot {
    const base = this.base;
    const nodeChanges: [string, Node | undefined][] = [];
    const belowDelta = new Map<string, number>();
    let cuts = base.cutCount;
    for (const [name, types] of this.touched) {
      const old = base.nodes.get(name);
      const node = new Map<RRType, RRset>(old ?? []);
      for (const t of types) {
        const s = this.changes.get(key(name, t));
        if (s) node.set(t, s);
        else node.delete(t);
      }
      nodeChanges.push([name, node.size > 0 ? new NodeSets([...node.values()]) : undefined]);
      if (!old && node.size > 0) countBelow(belowDelta, name, this.name, +1);
      if (old && node.size === 0) countBelow(belowDelta, name, this.name, -1);
      if (name !== this.name) cuts += (node.has("NS") ? 1 : 0) - (old?.has("NS") ? 1 : 0);
    }
    const belowChanges: [string, number | undefined][] = [];
    for (const [n, d] of belowDelta) {
      const v = (base.below.get(n) ?? 0) + d;
      belowChanges.push([n, v > 0 ? v : undefined]);
    }
    return new ZoneSnapshot(this.name, base.serialScheme, LayeredMap.of(base.nodes).with(nodeChanges), LayeredMap.of(base.below).with(belowChanges), cuts);
  }

  tx(): ZoneTx {
    const zone = this.name;
    const self = this;
    const typeOk = (type: string): RRType => {
      if (!isZoneType(type)) throw new ZoneError(`record type ${type} is not served by embedded zones`, "invalid");
      return type;
    };
    const ttlOk = (ttl: number) => {
      if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2 ** 31 - 1) throw new ZoneError(`bad TTL ${ttl}`, "invalid");
      return ttl;
    };
    const noSoa = (type: RRType) => {
      if (type === "SOA") throw new ZoneError("the SOA changes only through updateSoa (its serial is the store's)", "apex");
    };
    return {
      zone,
      get: (name, type) => self.get(normalizeName(name), type),
      types: (name) => self.typesAt(normalizeName(name)).filter((t) => !isDnssecType(t)),
      namesBelow(name) {
        const suffix = `.${normalizeName(name)}`;
        const out = new Set<string>();
        for (const n of self.base.nodes.keys()) if (n.endsWith(suffix)) out.add(n);
        for (const n of self.touchedNames().keys()) if (n.endsWith(suffix)) out.add(n);
        return [...out].filter((n) => self.typesAt(n).length > 0);
      },
      replaceRRset(name, type, ttl, data) {
        const owner = ownerIn(zone, name);
        noSoa(typeOk(type));
        const set = uniqueRdata(type, data.map((d) => canonical(zone, type, d)));
        self.set(owner, type, set.length ? { name: asWritten(name), type, ttl: ttlOk(ttl), data: set } : null);
      },
      deleteRRset(name, type) {
        const owner = ownerIn(zone, name);
        noSoa(typeOk(type));
        self.set(owner, type, null);
      },
      deleteName(name) {
        const owner = ownerIn(zone, name);
        for (const t of self.typesAt(owner)) {
          // RFC 2136 §3.4.2.3: deleting all RRsets at the apex leaves the SOA and NS alone.
          if (owner === zone && (t === "SOA" || t === "NS")) continue;
          if (isDnssecType(t)) continue; // the signer's; it removes them when the name goes

          self.set(owner, t, null);
        }
      },
      addRR(rr) {
        const owner = ownerIn(zone, rr.name);
        const type = typeOk(rr.type);
        noSoa(type);
        const d = canonical(zone, type, rr.data);
        const cur = self.get(owner, type);
        const data = uniqueRdata(type, [...(cur?.data ?? []), d]);
        self.set(owner, type, { name: cur?.name ?? asWritten(rr.name), type, ttl: ttlOk(rr.ttl), data });
      },
      deleteRR(rr) {
        const owner = ownerIn(zone, rr.name);
        const type = typeOk(rr.type);
        noSoa(type);
        const d = rdataKey(type, canonical(zone, type, rr.data));
        const cur = self.get(owner, type);
        if (!cur || !cur.data.some((x) => rdataKey(type, x) === d)) return;
        const data = cur.data.filter((x) => rdataKey(type, x) !== d);
        self.set(owner, type, data.length ? { ...cur, data } : null);
      },
      updateSoa(f) {
        const cur = self.get(zone, "SOA")!;
        const s = soaFields(cur.data[0]);
        const mname = f.mname ?? s.mname;
        const rname = f.rname ?? s.rname;
        const serial = f.serial ?? s.serial;
        if (!Number.isInteger(serial) || serial < 0 || serial > 2 ** 32 - 1) throw new ZoneError(`bad SOA serial ${serial}`, "invalid");
        const text = `${mname} ${rname} ${serial} ${f.refresh ?? s.refresh} ${f.retry ?? s.retry} ${f.expire ?? s.expire} ${f.minimum ?? s.minimum}`;
        self.set(zone, "SOA", { name: zone, type: "SOA", ttl: f.ttl !== undefined ? ttlOk(f.ttl) : cur.ttl, data: [canonical(zone, "SOA", text)] });
      },
    };
  }
}

function sameSet(a: RRset | undefined, b: RRset | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.ttl !== b.ttl || a.name !== b.name || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  const sa = a.sigs ?? [];
  const sb = b.sigs ?? [];
  if (sa.length !== sb.length) return false;
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return false;
  return true;
}
