// The nodes of a large zone in a compact form (a million hosts must fit well under 1 GiB). A name
// that holds only A and AAAA records, unsigned — a dynamic DNS host — is kept as bytes in typed arrays: its
// owner name in one shared blob, found through an open-addressing hash table, its addresses as 4 and 16
// octets, its TTLs as numbers. That is some 70 octets a host instead of about a kilobyte of JS objects
// (a Map entry, a NodeSets, RRset objects, arrays and strings), and the garbage collector has millions of
// objects fewer to trace. Every other name (the apex, delegations, CNAMEs, signed names, ...) stays a
// NodeSets in an ordinary Map beside it. get() builds the NodeSets of a packed name on demand, so callers
// see the same ReadonlyMap<string, Node> as before; answers are cached per snapshot by the server anyway.
//
// Immutable once built, like the snapshot that holds it: a commit's changes go into the LayeredMap layer
// on top, and fold() makes a fresh PackedNodes when that layer grows too large.
import { NodeSets, type Node } from "./node.ts";
import type { RRset } from "./types.ts";

/** More addresses than this in one set, and the name is kept as a NodeSets. */
const MAX_SET = 255;

/** FNV-1a over the characters of an ASCII name; -1 when the name holds other characters (not packed). */
function nameHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/** Canonical A text (what rdata.ts makes) → the address as a number; -1 unless it round-trips exactly. */
export function packA(s: string): number {
  let v = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255 || parts === 4) return -1;
      v = v * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros: "010" would not come back as itself.
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (++digits > 3) return -1;
    } else return -1;
  }
  return parts === 4 ? v : -1;
}

export function unpackA(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

const scratch = new Uint16Array(8);

/** Canonical AAAA text (RFC 5952, what rdata.ts makes) into out[at..at+16]; false unless it round-trips. */
export function packAAAA(s: string, out: Uint8Array, at: number): boolean {
  const len = s.length;
  if (len < 2 || len > 39) return false;
  let g = 0;
  let gap = -1;
  let cur = 0;
  let digits = 0;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  // Bounded by the text's length (at most 39 characters).
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c === 58) {
      if (digits === 0 || g === 8) return false;
      scratch[g++] = cur;
      cur = 0;
      digits = 0;
      i++;
      if (i < len && s.charCodeAt(i) === 58) {
        if (gap >= 0) return false;
        gap = g;
        i++;
      } else if (i === len) return false;
    } else {
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      // RFC 5952 §4.1: no leading zeros ("0" alone is a group of its own).
      if (d < 0 || ++digits > 4 || (digits > 1 && cur === 0)) return false;
      cur = cur * 16 + d;
      i++;
    }
  }
  if (digits > 0) {
    if (g === 8) return false;
    scratch[g++] = cur;
  } else if (gap !== g) return false;
  if (gap < 0 ? g !== 8 : g > 7) return false;
  const fill = 8 - g;
  for (let k = 0, src = 0; k < 8; k++) {
    const v = gap >= 0 && k >= gap && k < gap + fill ? 0 : scratch[src++];
    groups8[k] = v;
    out[at + 2 * k] = v >>> 8;
    out[at + 2 * k + 1] = v & 255;
  }
  // RFC 5952 §4.2: "::" stands for the longest run of two or more zero groups (the first of equals), and
  // only for it. Checked on the numbers, so loading a million addresses makes no strings.
  const run = zeroRun(groups8);
  return gap < 0 ? run < 0 : run === gap * 16 + fill;
}

const groups8 = new Uint16Array(8);

/** The first longest run of two or more zero groups as start * 16 + length, or -1 when there is none. */
function zeroRun(g: ArrayLike<number>): number {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  return best < 0 ? -1 : best * 16 + bestLen;
}

/** RFC 5952 §4: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
export function unpackAAAA(b: Uint8Array, at: number): string {
  for (let i = 0; i < 8; i++) groups8[i] = (b[at + 2 * i] << 8) | b[at + 2 * i + 1];
  const run = zeroRun(groups8);
  const best = run < 0 ? -1 : run >> 4;
  const bestLen = run < 0 ? 1 : run & 15;
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += "::";
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(":")) out += ":";
    out += ((b[at + 2 * i] << 8) | b[at + 2 * i + 1]).toString(16);
  }
  return out;
}

function same16(b: Uint8Array, x: number, y: number): boolean {
  for (let i = 0; i < 16; i++) if (b[x + i] !== b[y + i]) return false;
  return true;
}

/** ASCII bytes to a string. */
function latin1(b: Uint8Array, s: number, e: number): string {
  let out = "";
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

/**
 * The first `n` items of a grown array: a view when little would be wasted (no copy at the peak of a
 * start-up), a copy when most of it is slack.
 */
/**
 * The first `n` items of `a` in memory of their own, a SharedArrayBuffer: DNS threads (dns/server) then read
 * the finished arrays of a snapshot where they lie, with no copy per thread.
 */
function fit<T extends Uint8Array | Uint32Array | Int32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (buf: SharedArrayBuffer) => T)(new SharedArrayBuffer(n * a.BYTES_PER_ELEMENT));
  b.set(a.subarray(0, n));
  return b;
}

/** The parts of a PackedNodes another thread rebuilds it from (typed arrays on shared memory). */
export interface SharedPacked {
  count: number;
  live: number;
  arrays: [Uint8Array, Uint32Array, Uint32Array, Int32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint8Array, Uint8Array, Uint32Array, Uint8Array];
  /** The names kept as NodeSets beside the packed ones, as their RRsets. */
  overflow: [string, RRset[]][];
}

/** A growable byte/word array. */
function grow<T extends Uint8Array | Uint32Array | Int32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let n = Math.max(16, a.length * 2);
  while (n < need) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Builds a PackedNodes: names with their A/AAAA sets, added once each. */
export class PackedBuilder {
  private blob: Uint8Array;
  private blobLen = 0;
  private nameOff: Uint32Array;
  private hashes: Uint32Array;
  private ttl4: Uint32Array;
  private ttl6: Uint32Array;
  private off4: Uint32Array;
  private off6: Uint32Array;
  private cnt4: Uint8Array;
  private cnt6: Uint8Array;
  private addr4: Uint32Array;
  private n4 = 0;
  private addr6: Uint8Array;
  private n6 = 0;
  private count = 0;

  /** `size`: room to start with (a fold knows it nearly exactly), so the arrays need not grow and copy. */
  constructor(
    private readonly overflow: Map<string, Node> = new Map(),
    size: { names: number; bytes: number; a: number; aaaa: number } = { names: 1024, bytes: 1 << 16, a: 1024, aaaa: 1024 },
  ) {
    const n = size.names + 2;
    this.blob = new Uint8Array(size.bytes);
    this.nameOff = new Uint32Array(n);
    this.hashes = new Uint32Array(n);
    this.ttl4 = new Uint32Array(n);
    this.ttl6 = new Uint32Array(n);
    this.off4 = new Uint32Array(n);
    this.off6 = new Uint32Array(n);
    this.cnt4 = new Uint8Array(n);
    this.cnt6 = new Uint8Array(n);
    this.addr4 = new Uint32Array(size.a);
    this.addr6 = new Uint8Array(16 * size.aaaa);
  }

  /** Room for ids up to `n` - 1 (and the end offset of the last name). */
  private ensure(n: number): void {
    if (n + 1 <= this.nameOff.length) return;
    this.nameOff = grow(this.nameOff, n + 1);
    this.hashes = grow(this.hashes, n + 1);
    this.ttl4 = grow(this.ttl4, n + 1);
    this.ttl6 = grow(this.ttl6, n + 1);
    this.off4 = grow(this.off4, n + 1);
    this.off6 = grow(this.off6, n + 1);
    this.cnt4 = grow(this.cnt4, n + 1);
    this.cnt6 = grow(this.cnt6, n + 1);
  }

  private reserve(): number {
    const id = this.count;
    this.ensure(id + 1);
    this.count++;
    return id;
  }

  /**
   * Copy the packed names a..b-1 of `p` — consecutive ids, all live — in a few block copies. Names and
   * addresses of consecutive ids lie one after the other in `p`'s arrays, as every builder writes them.
   */
  copyRun(p: PackedNodes, a: number, b: number): void {
    const k = b - a;
    const to = this.count;
    this.ensure(to + k);
    this.count += k;
    const s = p.nameOff[a];
    const e = p.nameOff[b];
    this.blob = grow(this.blob, this.blobLen + (e - s));
    this.blob.set(p.blob.subarray(s, e), this.blobLen);
    const dn = this.blobLen - s;
    for (let i = 0; i <= k; i++) this.nameOff[to + i] = p.nameOff[a + i] + dn;
    this.blobLen += e - s;
    this.hashes.set(p.hashes.subarray(a, b), to);
    this.ttl4.set(p.ttl4.subarray(a, b), to);
    this.ttl6.set(p.ttl6.subarray(a, b), to);
    this.cnt4.set(p.cnt4.subarray(a, b), to);
    this.cnt6.set(p.cnt6.subarray(a, b), to);
    const s4 = p.off4[a];
    const e4 = p.off4[b - 1] + p.cnt4[b - 1];
    this.addr4 = grow(this.addr4, this.n4 + (e4 - s4));
    this.addr4.set(p.addr4.subarray(s4, e4), this.n4);
    const d4 = this.n4 - s4;
    for (let i = 0; i < k; i++) this.off4[to + i] = p.off4[a + i] + d4;
    this.n4 += e4 - s4;
    const s6 = p.off6[a];
    const e6 = p.off6[b - 1] + p.cnt6[b - 1];
    this.addr6 = grow(this.addr6, 16 * (this.n6 + (e6 - s6)));
    this.addr6.set(p.addr6.subarray(16 * s6, 16 * e6), 16 * this.n6);
    const d6 = this.n6 - s6;
    for (let i = 0; i < k; i++) this.off6[to + i] = p.off6[a + i] + d6;
    this.n6 += e6 - s6;
  }

  /** A name, packed when it can be (`pack`), kept as the NodeSets it is otherwise. */
  addNode(name: string, node: Node, pack = true): void {
    if (!pack || !this.addPackable(name, node)) this.overflow.set(name, node);
  }

  /** Pack a NodeSets of A/AAAA sets without signatures; false (nothing added) when it does not fit. */
  private addPackable(name: string, node: Node): boolean {
    if (node.size === 0 || node.size > 2) return false;
    const a = node.get("A");
    const aaaa = node.get("AAAA");
    if ((a ? 1 : 0) + (aaaa ? 1 : 0) !== node.size) return false;
    if (a && (a.sigs || a.data.length > MAX_SET)) return false;
    if (aaaa && (aaaa.sigs || aaaa.data.length > MAX_SET)) return false;
    // Packed names come back in lower case: an owner written in another case (RFC 4343 §4) stays as it is.
    if ((a && a.name !== name) || (aaaa && aaaa.name !== name)) return false;
    const h = nameHash(name);
    if (h < 0) return false;
    const v4: number[] = [];
    for (const d of a?.data ?? []) {
      const v = packA(d);
      if (v < 0) return false;
      v4.push(v);
    }
    const six = new Uint8Array(16 * (aaaa?.data.length ?? 0));
    for (let i = 0; i < (aaaa?.data.length ?? 0); i++) if (!packAAAA(aaaa!.data[i], six, 16 * i)) return false;
    const id = this.reserve();
    this.putName(id, name, h);
    this.put4(id, a ? a.ttl : 0, v4);
    this.put6(id, aaaa ? aaaa.ttl : 0, six, Array.from({ length: aaaa?.data.length ?? 0 }, (_, i) => 16 * i));
    return true;
  }

  private putName(id: number, name: string, h: number): void {
    this.blob = grow(this.blob, this.blobLen + name.length);
    for (let i = 0; i < name.length; i++) this.blob[this.blobLen + i] = name.charCodeAt(i);
    this.nameOff[id] = this.blobLen;
    this.blobLen += name.length;
    this.nameOff[id + 1] = this.blobLen;
    this.hashes[id] = h;
  }

  private put4(id: number, ttl: number, v: ArrayLike<number>): void {
    this.ttl4[id] = ttl;
    this.off4[id] = this.n4;
    this.cnt4[id] = v.length;
    this.addr4 = grow(this.addr4, this.n4 + v.length);
    for (let i = 0; i < v.length; i++) this.addr4[this.n4++] = v[i];
  }

  /** The AAAA set of `id`: 16 octets from each of `src`'s offsets `at` (byte loops: no view objects per name). */
  private put6(id: number, ttl: number, src: Uint8Array, at: readonly number[]): void {
    const n = at.length;
    this.ttl6[id] = ttl;
    this.off6[id] = this.n6;
    this.cnt6[id] = n;
    this.addr6 = grow(this.addr6, 16 * (this.n6 + n));
    for (let i = 0; i < n; i++) {
      const w = 16 * (this.n6 + i);
      for (let k = 0; k < 16; k++) this.addr6[w + k] = src[at[i] + k];
    }
    this.n6 += n;
  }

  // ---- Loose rows (a zone loaded from storage: records of one name need not come together) ----

  private lookup = new Int32Array(2048);
  private rowNode = new Int32Array(1024);
  private rowTtl = new Uint32Array(1024);
  /** A: the address; AAAA: -(index into row6) - 1. */
  private rowVal = new Float64Array(1024);
  private row6 = new Uint8Array(1 << 14);
  private rows = 0;
  private rows6 = 0;

  /** The id of `name` among the names given rows so far, made if new; -1 when it cannot be packed. */
  intern(name: string): number {
    const h = nameHash(name);
    if (h < 0) return -1;
    const found = this.lookupId(name, h);
    if (found >= 0) return found;
    const id = this.reserve();
    this.putName(id, name, h);
    if (2 * this.count > this.lookup.length) {
      // Rehash at half full: probes stay short.
      const t = new Int32Array(this.lookup.length * 2);
      const m = t.length - 1;
      for (let i = 0; i < this.count; i++) {
        let s = this.hashes[i] & m;
        while (t[s] !== 0) s = (s + 1) & m;
        t[s] = i + 1;
      }
      this.lookup = t;
    } else {
      const m = this.lookup.length - 1;
      let s = h & m;
      while (this.lookup[s] !== 0) s = (s + 1) & m;
      this.lookup[s] = id + 1;
    }
    return id;
  }

  /** The id of an interned name, or -1. */
  lookupId(name: string, h = nameHash(name)): number {
    if (h < 0) return -1;
    const m = this.lookup.length - 1;
    let s = h & m;
    // Bounded: the table is at most half full.
    for (let i = 0; i <= m; i++) {
      const v = this.lookup[s];
      if (v === 0) return -1;
      const id = v - 1;
      if (this.hashes[id] === h && this.nameIs(id, name)) return id;
      s = (s + 1) & m;
    }
    return -1;
  }

  private nameIs(id: number, name: string): boolean {
    const o = this.nameOff[id];
    if (this.nameOff[id + 1] - o !== name.length) return false;
    for (let k = 0; k < name.length; k++) if (this.blob[o + k] !== name.charCodeAt(k)) return false;
    return true;
  }

  /** One A or AAAA row of an interned name; false (nothing kept) when its text does not pack. */
  addRow(id: number, type: "A" | "AAAA", ttl: number, data: string): boolean {
    let val: number;
    if (type === "A") {
      val = packA(data);
      if (val < 0) return false;
    } else {
      this.row6 = grow(this.row6, 16 * (this.rows6 + 1));
      if (!packAAAA(data, this.row6, 16 * this.rows6)) return false;
      val = -++this.rows6;
    }
    const r = this.rows++;
    this.rowNode = grow(this.rowNode, r + 1);
    this.rowTtl = grow(this.rowTtl, r + 1);
    if (r + 1 > this.rowVal.length) {
      const v = new Float64Array(this.rowVal.length * 2);
      v.set(this.rowVal);
      this.rowVal = v;
    }
    this.rowNode[r] = id;
    this.rowTtl[r] = ttl;
    this.rowVal[r] = val;
    return true;
  }

  /**
   * Turn the rows into sets. Names in `loose` (they hold other records too, or signatures) and sets too
   * large to pack are handed to `emit` as text rows instead, and left out of the packed nodes.
   */
  settleRows(loose: Iterable<string>, emit: (name: string, type: "A" | "AAAA", ttl: number, data: string) => void): void {
    const n = this.count;
    const dead = new Uint8Array(n);
    for (const name of loose) {
      const id = this.lookupId(name);
      if (id >= 0) dead[id] = 1;
    }
    // Rows grouped by name (a counting sort): start[id]..start[id + 1].
    const start = new Int32Array(n + 1);
    for (let r = 0; r < this.rows; r++) start[this.rowNode[r] + 1]++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const order = new Int32Array(this.rows);
    const fill = start.slice(0, n);
    for (let r = 0; r < this.rows; r++) order[fill[this.rowNode[r]]++] = r;
    const v4: number[] = [];
    const v6: number[] = [];
    for (let id = 0; id < n; id++) {
      let ttl4 = 0xffffffff;
      let ttl6 = 0xffffffff;
      v4.length = 0;
      v6.length = 0;
      for (let k = start[id]; k < start[id + 1]; k++) {
        const r = order[k];
        const val = this.rowVal[r];
        if (val >= 0) {
          if (this.rowTtl[r] < ttl4) ttl4 = this.rowTtl[r];
          if (!v4.includes(val)) v4.push(val);
        } else {
          if (this.rowTtl[r] < ttl6) ttl6 = this.rowTtl[r];
          const at = 16 * (-val - 1);
          let seen = false;
          for (let i = 0; i < v6.length && !seen; i++) seen = same16(this.row6, v6[i], at);
          if (!seen) v6.push(at);
        }
      }
      if (dead[id] || v4.length > MAX_SET || v6.length > MAX_SET) {
        const name = this.nameAt(id);
        for (let k = start[id]; k < start[id + 1]; k++) {
          const r = order[k];
          const val = this.rowVal[r];
          if (val >= 0) emit(name, "A", this.rowTtl[r], unpackA(val));
          else emit(name, "AAAA", this.rowTtl[r], unpackAAAA(this.row6, 16 * (-val - 1)));
        }
        this.cnt4[id] = 0;
        this.cnt6[id] = 0;
        continue;
      }
      this.put4(id, v4.length ? ttl4 : 0, v4);
      this.put6(id, v6.length ? ttl6 : 0, this.row6, v6);
    }
    this.rows = 0;
    this.rowNode = new Int32Array(0);
    this.rowTtl = new Uint32Array(0);
    this.rowVal = new Float64Array(0);
    this.row6 = new Uint8Array(0);
    this.lookup = new Int32Array(0);
  }

  nameAt(id: number): string {
    return latin1(this.blob, this.nameOff[id], this.nameOff[id + 1]);
  }

  /**
   * For the below-counts of a snapshot: how many packed names sit directly under `zone` (counted here, from
   * the bytes); every other packed name is handed to `other`.
   */
  countUnder(zone: string, other: (name: string) => void): number {
    let direct = 0;
    for (let id = 0; id < this.count; id++) {
      if (this.cnt4[id] + this.cnt6[id] === 0) continue;
      const o = this.nameOff[id];
      const e = this.nameOff[id + 1];
      let dot = o;
      while (dot < e && this.blob[dot] !== 46) dot++;
      let k = 0;
      if (e - dot - 1 === zone.length) while (k < zone.length && this.blob[dot + 1 + k] === zone.charCodeAt(k)) k++;
      if (zone.length > 0 && k === zone.length && e - dot - 1 === zone.length) direct++;
      else other(this.nameAt(id));
    }
    return direct;
  }

  finish(): PackedNodes {
    const n = this.count;
    let live = 0;
    for (let id = 0; id < n; id++) if (this.cnt4[id] + this.cnt6[id] > 0) live++;
    // The table: a power of two at least twice the names (linear probing stays short), slots hold id + 1.
    let slots = 16;
    while (slots < 2 * live) slots *= 2;
    const table = new Int32Array(new SharedArrayBuffer(4 * slots));
    const mask = slots - 1;
    for (let id = 0; id < n; id++) {
      if (this.cnt4[id] + this.cnt6[id] === 0) continue; // moved out to the overflow map
      let s = this.hashes[id] & mask;
      // Bounded: the table is at most half full.
      while (table[s] !== 0) s = (s + 1) & mask;
      table[s] = id + 1;
    }
    const out = new PackedNodes(
      n,
      live,
      fit(this.blob, this.blobLen),
      fit(this.nameOff, n + 1),
      fit(this.hashes, n),
      table,
      fit(this.ttl4, n),
      fit(this.ttl6, n),
      fit(this.off4, n),
      fit(this.off6, n),
      fit(this.cnt4, n),
      fit(this.cnt6, n),
      fit(this.addr4, this.n4),
      fit(this.addr6, 16 * this.n6),
      this.overflow,
    );
    return out;
  }
}

export class PackedNodes implements ReadonlyMap<string, Node> {
  readonly size: number;
  private readonly mask: number;

  /** Use PackedBuilder. */
  constructor(
    /** Ids 0..count-1; an id whose counts are both 0 is not a name here (it moved to the overflow map). */
    readonly count: number,
    live: number,
    readonly blob: Uint8Array,
    readonly nameOff: Uint32Array,
    readonly hashes: Uint32Array,
    private readonly table: Int32Array,
    readonly ttl4: Uint32Array,
    readonly ttl6: Uint32Array,
    readonly off4: Uint32Array,
    readonly off6: Uint32Array,
    readonly cnt4: Uint8Array,
    readonly cnt6: Uint8Array,
    readonly addr4: Uint32Array,
    readonly addr6: Uint8Array,
    /** The names kept as NodeSets beside the packed ones. */
    readonly overflow: ReadonlyMap<string, Node>,
  ) {
    this.mask = table.length - 1;
    this.size = live + overflow.size;
  }

  /** What another thread needs to read this map: the arrays stay where they are (shared memory). */
  share(): SharedPacked {
    return {
      count: this.count,
      live: this.size - this.overflow.size,
      arrays: [this.blob, this.nameOff, this.hashes, this.table, this.ttl4, this.ttl6, this.off4, this.off6, this.cnt4, this.cnt6, this.addr4, this.addr6],
      overflow: [...this.overflow].map(([k, node]) => [k, [...node.values()]]),
    };
  }

  /** The map `share()` described, in this thread, over the same memory. */
  static fromShared(s: SharedPacked): PackedNodes {
    const [blob, nameOff, hashes, table, ttl4, ttl6, off4, off6, cnt4, cnt6, addr4, addr6] = s.arrays;
    return new PackedNodes(s.count, s.live, blob, nameOff, hashes, table, ttl4, ttl6, off4, off6, cnt4, cnt6, addr4, addr6, new Map(s.overflow.map(([k, sets]) => [k, new NodeSets(sets)])));
  }

  /** The id of a packed name, or -1. */
  find(name: string): number {
    if (this.count === 0) return -1;
    const h = nameHash(name);
    if (h < 0) return -1;
    const t = this.table;
    let s = h & this.mask;
    // Bounded: the table is at most half full, so an empty slot comes.
    for (let i = 0; i <= this.mask; i++) {
      const v = t[s];
      if (v === 0) return -1;
      const id = v - 1;
      if (this.hashes[id] === h) {
        const o = this.nameOff[id];
        if (this.nameOff[id + 1] - o === name.length) {
          let k = 0;
          while (k < name.length && this.blob[o + k] === name.charCodeAt(k)) k++;
          if (k === name.length) return id;
        }
      }
      s = (s + 1) & this.mask;
    }
    return -1;
  }

  /** The blob as a Buffer, for its fast latin1 decoding (walks over every name: AXFR, signing, export). */
  private text?: Buffer;

  private nameOf(id: number): string {
    this.text ??= Buffer.from(this.blob.buffer, this.blob.byteOffset, this.blob.byteLength);
    return this.text.toString("latin1", this.nameOff[id], this.nameOff[id + 1]);
  }

  private live(id: number): boolean {
    return this.cnt4[id] + this.cnt6[id] > 0;
  }

  /** The NodeSets of a packed name, built now (A first, then AAAA; data sorted as rdata strings). */
  private node(id: number, name: string): Node {
    const sets: RRset[] = [];
    const n4 = this.cnt4[id];
    if (n4 > 0) {
      const data: string[] = [];
      for (let i = 0; i < n4; i++) data.push(unpackA(this.addr4[this.off4[id] + i]));
      if (n4 > 1) data.sort();
      sets.push({ name, type: "A", ttl: this.ttl4[id], data });
    }
    const n6 = this.cnt6[id];
    if (n6 > 0) {
      const data: string[] = [];
      for (let i = 0; i < n6; i++) data.push(unpackAAAA(this.addr6, 16 * (this.off6[id] + i)));
      if (n6 > 1) data.sort();
      sets.push({ name, type: "AAAA", ttl: this.ttl6[id], data });
    }
    return new NodeSets(sets);
  }

  get(name: string): Node | undefined {
    const id = this.find(name);
    return id >= 0 ? this.node(id, name) : this.overflow.get(name);
  }

  has(name: string): boolean {
    return this.find(name) >= 0 || this.overflow.has(name);
  }

  /** A new PackedNodes with `changes` applied (undefined deletes); this one is left as it is. */
  fold(changes: ReadonlyMap<string, Node | undefined>): PackedNodes {
    const overflow = new Map<string, Node>();
    for (const [k, v] of this.overflow) if (!changes.has(k)) overflow.set(k, v);
    const skip = new Uint8Array(this.count);
    for (const k of changes.keys()) {
      const id = this.find(k);
      if (id >= 0) skip[id] = 1;
    }
    const more = changes.size;
    const b = new PackedBuilder(overflow, { names: this.count + more, bytes: this.blob.length + 64 * more, a: this.addr4.length + 4 * more, aaaa: this.addr6.length / 16 + 4 * more });
    // Runs of names kept as they are go across in block copies (a fold of a million names: tens of ms).
    for (let id = 0; id < this.count; ) {
      if (skip[id] === 1 || !this.live(id)) {
        id++;
        continue;
      }
      let end = id + 1;
      while (end < this.count && skip[end] === 0 && this.live(end)) end++;
      b.copyRun(this, id, end);
      id = end;
    }
    for (const [k, v] of changes) if (v) b.addNode(k, v);
    return b.finish();
  }

  *entries(): MapIterator<[string, Node]> {
    for (let id = 0; id < this.count; id++) {
      if (!this.live(id)) continue;
      const name = this.nameOf(id);
      yield [name, this.node(id, name)];
    }
    yield* this.overflow.entries();
  }
  *keys(): MapIterator<string> {
    for (let id = 0; id < this.count; id++) if (this.live(id)) yield this.nameOf(id);
    yield* this.overflow.keys();
  }
  *values(): MapIterator<Node> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): MapIterator<[string, Node]> {
    return this.entries();
  }
  forEach(fn: (value: Node, key: string, map: ReadonlyMap<string, Node>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}
