// The hot path's lookups by the octets of the question, without making a string per query: the zone a
// name belongs to (by hashes of its suffixes) and the answer prepared for it in that zone's snapshot.
import type { PreparedAnswer, ZoneSet, ZoneSnapshot } from "../zone/index.ts";
import { HEADER, nameHash, type QueryScan } from "./message.ts";

/** A zone's apex in lower-case wire form; apexes whose suffix hashes collide are chained. */
interface Apex {
  wire: Uint8Array;
  name: string;
  zone: ZoneSnapshot;
  next: Apex | null;
}

/** Whether msg[at, at + w.length) equals `w` ignoring ASCII case (length octets are < 64: never changed). */
function sameName(msg: Uint8Array, at: number, w: Uint8Array): boolean {
  for (let i = 0; i < w.length; i++) {
    let c = msg[at + i];
    if (c >= 65 && c <= 90) c += 32;
    if (c !== w[i]) return false;
  }
  return true;
}

/** `name` (lower case, no trailing dot) in wire form; null when it needs escapes (never matched by octets). */
function apexWire(name: string): Uint8Array | null {
  if (name === "") return Uint8Array.of(0);
  const out: number[] = [];
  for (const l of name.split(".")) {
    if (l.length === 0 || l.length > 63) return null;
    out.push(l.length);
    for (let i = 0; i < l.length; i++) {
      const c = l.charCodeAt(i);
      // The hot path takes only names of such octets; a zone with others is found by the slow path.
      if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c || (c >= 65 && c <= 90)) return null;
      out.push(c);
    }
  }
  out.push(0);
  return Uint8Array.from(out);
}

/**
 * The apexes of one zone set by the hash of their wire form: the closest enclosing zone of a scanned name
 * is its longest suffix found here (ZoneSet.find's answer, from octets).
 */
export class ApexIndex {
  private byHash = new Map<number, Apex>();
  private apexes: Apex[] = [];
  /** Zones of the set that cannot be found by octets (names that need escapes). */
  private unindexed = 0;
  /** Which label counts an apex has: suffixes of other lengths are not looked up. */
  private labelCounts = new Uint8Array(129);

  constructor(public set: ZoneSet) {
    for (const z of set.zones.values()) {
      const wire = apexWire(z.name);
      if (!wire) {
        this.unindexed++;
        continue;
      }
      const h = nameHash(wire);
      const a: Apex = { wire, name: z.name, zone: z, next: this.byHash.get(h) ?? null };
      this.byHash.set(h, a);
      this.apexes.push(a);
      this.labelCounts[z.name === "" ? 0 : z.name.split(".").length] = 1;
    }
  }

  /**
   * Take the snapshots of `set` when it serves the same zones (a commit swapped one snapshot): no index
   * is rebuilt per commit. False when zones were added or removed (the caller builds a new index).
   */
  rebind(set: ZoneSet): boolean {
    if (set.zones.size !== this.apexes.length + this.unindexed) return false;
    for (const a of this.apexes) if (!set.zones.has(a.name)) return false;
    for (const a of this.apexes) a.zone = set.zones.get(a.name)!;
    this.set = set;
    return true;
  }

  /** The zone whose apex is the closest ancestor-or-self of the scanned name, if any. */
  find(msg: Uint8Array, s: QueryScan): ZoneSnapshot | undefined {
    for (let i = 0; i <= s.labels; i++) {
      if (this.labelCounts[s.labels - i] === 0) continue;
      const at = s.labelAt[i];
      const len = s.qnameEnd - at;
      for (let a: Apex | null | undefined = this.byHash.get(s.suffixHash[i]); a; a = a.next) if (a.wire.length === len && sameName(msg, at, a.wire)) return a.zone;
    }
    return undefined;
  }
}

/** The answer prepared in `zone` for the scanned question under `key`, if any. */
export function findPrepared(zone: ZoneSnapshot, key: number, msg: Uint8Array, s: QueryScan, variant: number): PreparedAnswer | undefined {
  const len = s.qnameEnd - HEADER;
  for (let e: PreparedAnswer | null | undefined = zone.cache.get(key); e; e = e.next) if (e.qtype === s.qtype && e.variant === variant && e.name.length === len && sameName(msg, HEADER, e.name)) return e;
  return undefined;
}

/** Keep `e` in `zone`'s cache under `key` (in front of any answer whose key collides). */
export function keepPrepared(zone: ZoneSnapshot, key: number, e: PreparedAnswer): void {
  // A flood of random names must not pin memory: start over when the cache is full.
  if (zone.cache.size >= 100_000) zone.cache.clear();
  e.next = zone.cache.get(key) ?? null;
  zone.cache.set(key, e);
}
