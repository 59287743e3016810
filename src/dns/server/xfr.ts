// Zone transfers out: AXFR (RFC 5936) from one snapshot, IXFR (RFC 1995) from the journal, condensed.
// Messages are built here unsigned and with ID 0; the responder patches the ID and signs each one.
import { type Changeset, type PackedNodes, type RR, WireWriter, type ZoneSnapshot, type ZoneStore } from "../zone/index.ts";
import { QTYPE } from "./constants.ts";
import { FLAG, HEADER, writeRR } from "./message.ts";

/** Target size of one transfer message; well below the 65535 TCP limit, with room for TSIG. */
const MESSAGE_TARGET = 16_000;

function header(w: WireWriter, withQuestion: boolean) {
  w.u16(0);
  w.u16(FLAG.QR | FLAG.AA);
  w.u16(withQuestion ? 1 : 0);
  w.u16(0);
  w.u16(0);
  w.u16(0);
}

/**
 * A transfer's messages, each framed for TCP with its two-octet length (RFC 1035 §4.2.2), one after the
 * other in one buffer: an unsigned transfer goes out as one copy with the IDs patched, in one write.
 */
export interface Transfer {
  wire: Uint8Array;
  /** Where each message's frame (its length octets) begins in `wire`. */
  starts: number[];
  /** Records in all messages. */
  records: number;
}

/** Message `i` of a transfer, without its length octets (a view into the wire). */
export function messageAt(t: Transfer, i: number): Uint8Array {
  const at = t.starts[i];
  return t.wire.subarray(at + 2, at + 2 + ((t.wire[at] << 8) | t.wire[at + 1]));
}

/** Single messages (a lone SOA, say) as a Transfer. */
export function transferOf(messages: Uint8Array[]): Transfer {
  const wire = new Uint8Array(messages.reduce((n, m) => n + 2 + m.length, 0));
  const starts: number[] = [];
  let at = 0;
  let records = 0;
  for (const m of messages) {
    starts.push(at);
    wire[at] = m.length >> 8;
    wire[at + 1] = m.length & 0xff;
    wire.set(m, at + 2);
    at += 2 + m.length;
    records += (m[6] << 8) | m[7];
  }
  return { wire, starts, records };
}

/**
 * Pack records into messages of at most ~16 kB (RFC 5936 §2.2: as many records per message as fit).
 * The first message carries the question (lower case; the responder copies in the client's bytes).
 */
export function packRecords(zone: string, qtype: number, records: Iterable<RR>): Transfer {
  const m = new MessageWriter(zone, qtype);
  for (const rr of records) m.rr(rr);
  return m.done();
}

/**
 * Writes a transfer's records into messages of about MESSAGE_TARGET octets, reusing one buffer. Packed
 * names (dns/zone packed.ts: a host's A and AAAA) go from their bytes straight to the wire: no strings,
 * no RR objects — the bulk of a dynamic zone, written at memcpy-like speed even before the JIT warms up.
 */
class MessageWriter {
  private wire: Uint8Array;
  private end = 0;
  private readonly starts: number[] = [];
  private records = 0;
  private w = new WireWriter(MESSAGE_TARGET + 8192);
  private count = 0;
  private open = false;

  /** `size`: the octets expected (the buffer then need not grow: fresh memory is costly to touch). */
  constructor(
    private readonly zone: string,
    private readonly qtype: number,
    size = 1 << 16,
  ) {
    this.wire = new Uint8Array(size);
  }

  private start(): void {
    const w = this.w;
    w.pos = 0;
    w.names.clear();
    header(w, this.starts.length === 0);
    if (this.starts.length === 0) {
      w.name(this.zone, true);
      w.u16(this.qtype);
      w.u16(1);
    }
    this.count = 0;
    this.open = true;
  }

  /** Start a message if none is open or the open one is full; true when a new one began. */
  private ensure(): boolean {
    if (this.open && this.w.pos <= MESSAGE_TARGET && this.count < 0xffff) return false;
    if (this.open) this.finish();
    this.start();
    return true;
  }

  private finish(): void {
    const w = this.w;
    w.view.setUint16(6, this.count);
    this.records += this.count;
    if (this.end + 2 + w.pos > this.wire.length) {
      let n = this.wire.length * 2;
      while (n < this.end + 2 + w.pos) n *= 2;
      const bigger = new Uint8Array(n);
      bigger.set(this.wire.subarray(0, this.end));
      this.wire = bigger;
    }
    this.starts.push(this.end);
    this.wire[this.end] = w.pos >> 8;
    this.wire[this.end + 1] = w.pos & 0xff;
    this.wire.set(w.buf.subarray(0, w.pos), this.end + 2);
    this.end += 2 + w.pos;
    this.open = false;
  }

  rr(rr: RR): void {
    this.ensure();
    writeRR(this.w, rr);
    this.count++;
  }

  /**
   * The A then AAAA records of the packed names `from`..`to`-1 of `p` that are live and not in `skip` (each
   * lies under the zone: its last labels are the apex). One loop with everything in locals: it runs fast
   * even before the JIT has compiled it.
   */
  packed(p: PackedNodes, skip: Uint8Array, from: number, to: number): void {
    const { blob, nameOff, cnt4, cnt6, ttl4, ttl6, off4, off6, addr4, addr6 } = p;
    const zone = this.zone;
    const zl = zone.length;
    this.ensure();
    let w = this.w;
    let b = w.buf;
    let pos = w.pos;
    /** Where the open message holds the apex name, or -1. */
    let apex = zl === 0 ? -1 : (w.names.get(zone) ?? -1);
    let count = this.count;
    for (let id = from; id < to; id++) {
      const n4 = cnt4[id];
      const n6 = cnt6[id];
      if (n4 + n6 === 0 || skip[id] === 1) continue;
      const o = nameOff[id];
      // The owner's own labels: all of it under the root zone, else up to the dot before the apex.
      const end = zl === 0 ? nameOff[id + 1] : nameOff[id + 1] - zl - 1;
      /** Where this message holds the owner already (a pointer target), or -1. */
      let owner = -1;
      for (let i = 0; i < n4 + n6; i++) {
        if (pos > MESSAGE_TARGET || count === 0xffff || pos + 600 > b.length) {
          w.pos = pos;
          this.count = count;
          this.ensure();
          w.room(600);
          w = this.w;
          b = w.buf;
          pos = w.pos;
          count = this.count;
          apex = zl === 0 ? -1 : (w.names.get(zone) ?? -1);
          owner = -1;
        }
        if (owner >= 0) {
          b[pos++] = 0xc0 | (owner >> 8);
          b[pos++] = owner & 0xff;
        } else {
          if (pos < 0x4000) owner = pos;
          let label = pos++;
          for (let k = o; k < end; k++) {
            const c = blob[k];
            if (c === 46) {
              b[label] = pos - label - 1;
              label = pos++;
            } else b[pos++] = c;
          }
          b[label] = pos - label - 1;
          if (apex >= 0) {
            b[pos++] = 0xc0 | (apex >> 8);
            b[pos++] = apex & 0xff;
          } else if (zl === 0) b[pos++] = 0;
          else {
            // The apex's first time in this message: written out, pointed to from then on.
            w.pos = pos;
            w.name(zone);
            pos = w.pos;
            apex = w.names.get(zone) ?? -1;
          }
        }
        const six = i >= n4;
        const ttl = six ? ttl6[id] : ttl4[id];
        b[pos] = 0;
        b[pos + 1] = six ? 28 : 1; // TYPE AAAA / A
        b[pos + 2] = 0;
        b[pos + 3] = 1; // CLASS IN
        b[pos + 4] = ttl >>> 24;
        b[pos + 5] = (ttl >>> 16) & 0xff;
        b[pos + 6] = (ttl >>> 8) & 0xff;
        b[pos + 7] = ttl & 0xff;
        b[pos + 8] = 0;
        if (six) {
          b[pos + 9] = 16;
          const at = 16 * (off6[id] + i - n4);
          for (let k = 0; k < 16; k++) b[pos + 10 + k] = addr6[at + k];
          pos += 26;
        } else {
          b[pos + 9] = 4;
          const v = addr4[off4[id] + i];
          b[pos + 10] = v >>> 24;
          b[pos + 11] = (v >>> 16) & 0xff;
          b[pos + 12] = (v >>> 8) & 0xff;
          b[pos + 13] = v & 0xff;
          pos += 14;
        }
        count++;
      }
    }
    w.pos = pos;
    this.count = count;
  }

  done(): Transfer {
    if (this.open) this.finish();
    // Trimmed to its length when much is left over: it is kept as long as its version is served.
    const wire = this.end < this.wire.length - (this.wire.length >> 4) ? this.wire.slice(0, this.end) : this.wire.subarray(0, this.end);
    return { wire, starts: this.starts, records: this.records };
  }
}

/** Packed names, and other RRsets, written between two yields of a transfer built in the background. */
const SLICE_NAMES = 1024;

/**
 * About the octets of an AXFR (a little more): a packed name costs its labels below the apex (its first
 * record has them in place of a pointer), each record a pointer and its fixed part; ~128 per other node.
 */
function expectedSize(zone: string, packed: PackedNodes | null, others: number): number {
  let n = 4096 + 128 * others;
  if (packed) n += packed.blob.length - packed.count * zone.length + 16 * packed.addr4.length + (28 * packed.addr6.length) / 16;
  // Message headers and frames, one per ~16 kB.
  return Math.ceil(n * 1.01) + 32 * Math.ceil(n / MESSAGE_TARGET);
}

/**
 * The AXFR answer of a snapshot: SOA, every record, SOA (RFC 5936 §2.2). A generator that yields now and
 * then, so a large zone can be built in slices of the event loop (prepareAxfr) or all at once (axfrMessages).
 */
function* buildAxfr(z: ZoneSnapshot): Generator<void, Transfer> {
  const { packed, skip, others } = z.walkParts();
  const m = new MessageWriter(z.name, QTYPE.AXFR, expectedSize(z.name, packed, others.length));
  const soa: RR = { name: z.name, type: "SOA", ttl: z.soa.ttl, data: z.soa.data[0] };
  m.rr(soa);
  // A signed zone's SOA signatures go with the opening SOA (the closing one is the bare record).
  for (const d of z.soa.sigs ?? []) m.rr({ name: z.name, type: "RRSIG", ttl: z.soa.ttl, data: d });
  let n = 0;
  if (packed) {
    for (let id = 0; id < packed.count; id += SLICE_NAMES) {
      m.packed(packed, skip!, id, Math.min(packed.count, id + SLICE_NAMES));
      yield;
    }
  }
  for (const [name, node] of others) {
    for (const s of node.values()) {
      if (name === z.name && s.type === "SOA") continue;
      for (const d of s.data) m.rr({ name: s.name, type: s.type, ttl: s.ttl, data: d });
      if (s.sigs) for (const d of s.sigs) m.rr({ name: s.name, type: "RRSIG", ttl: s.ttl, data: d });
      if (++n % SLICE_NAMES === 0) yield;
    }
  }
  m.rr(soa);
  return m.done();
}

const axfrCache = new WeakMap<ZoneSnapshot, Transfer>();
/** Builds begun in the background and not finished yet. */
const building = new WeakMap<ZoneSnapshot, Generator<void, Transfer>>();

/** Zones asked for in AXFR form since start-up: their secondaries are likely to come back after a change. */
const axfrZones = new Set<string>();

/** The AXFR answer of a snapshot, built once per snapshot (a build begun in the background is finished now). */
export function axfrMessages(z: ZoneSnapshot): Transfer {
  axfrZones.add(z.name);
  let m = axfrCache.get(z);
  if (m) return m;
  const g = building.get(z) ?? buildAxfr(z);
  building.delete(z);
  // Bounded by the records of the zone: each step writes some and yields.
  for (let r = g.next(); ; r = g.next()) {
    if (r.done) {
      m = r.value;
      break;
    }
  }
  axfrCache.set(z, m);
  return m;
}

/** Longest stretch of the event loop one background slice takes, in milliseconds. */
const SLICE_MS = 4;
/**
 * At start-up the builds first run at once for up to this long, in all: start-up keeps the event loop
 * busy longer than that with other work anyway (the slices alone would barely run before the first
 * transfer comes), and a zone of tens of thousands of records is done by then.
 */
const START_MS = 50;

/**
 * Build the AXFR answer of `z` in the background, a few milliseconds of the event loop at a time, so the
 * first transfer finds it ready (and the build runs with warm code); `current` says whether `z` is still
 * the version served — a build overtaken by a commit is dropped. A transfer arriving meanwhile finishes it.
 * With `until` (a performance.now() time), the first slice runs now, up to then.
 */
export function prepareAxfr(z: ZoneSnapshot, current: () => boolean, until?: number): void {
  if (axfrCache.has(z) || building.has(z)) return;
  const g = buildAxfr(z);
  building.set(z, g);
  let spent = 0;
  const slice = (end: number) => {
    if (building.get(z) !== g) return; // finished by a transfer
    if (!current()) {
      building.delete(z);
      return;
    }
    const t0 = performance.now();
    // Bounded by the deadline and by the zone's size.
    for (;;) {
      const r = g.next();
      if (r.done) {
        building.delete(z);
        axfrCache.set(z, r.value);
        buildMs.set(z.name, spent + performance.now() - t0);
        return;
      }
      if (performance.now() >= end) break;
    }
    spent += performance.now() - t0;
    setTimeout(() => slice(performance.now() + SLICE_MS), 0);
  };
  if (until !== undefined && performance.now() < until) slice(until);
  else setTimeout(() => slice(performance.now() + SLICE_MS), 0);
}

/** Quiet time after a commit before the new version's AXFR is built (a burst of updates builds it once). */
const AFTER_COMMIT_MS = 1000;
/**
 * ...and at least this many times as long as the zone's last build took: a large zone changed every few
 * seconds spends at most ~5% of a core on builds nobody may ask for (a million hosts: ~0.3 s a build).
 */
const AFTER_COMMIT_FACTOR = 20;
/** How long the last background build of each zone took, in milliseconds. */
const buildMs = new Map<string, number>();

/**
 * Keep AXFR answers ready where a transfer is likely: at start-up for every zone that allows transfers
 * (`transfers`), and after changes (once they pause) for the zones a secondary has transferred in AXFR
 * form since. Returns the function that stops it.
 */
export function prepareTransfers(store: Pick<ZoneStore, "snapshot" | "onCommit">, transfers: (zone: string) => boolean): () => void {
  const prepare = (only?: Set<string>, until?: number) => {
    for (const [name, z] of store.snapshot().zones) {
      if (only ? only.has(name) : transfers(name)) prepareAxfr(z, () => store.snapshot().zones.get(name) === z, until);
    }
  };
  prepare(undefined, performance.now() + START_MS);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const unsubscribe = store.onCommit((zone) => {
    if (!axfrZones.has(zone)) return;
    clearTimeout(timers.get(zone));
    const wait = Math.max(AFTER_COMMIT_MS, AFTER_COMMIT_FACTOR * (buildMs.get(zone) ?? 0));
    const timer = setTimeout(() => {
      timers.delete(zone);
      prepare(new Set([zone]));
    }, wait);
    (timer as { unref?: () => void }).unref?.();
    timers.set(zone, timer);
  });
  return () => {
    for (const t of timers.values()) clearTimeout(t);
    unsubscribe();
  };
}

const rrKey = (r: RR) => `${r.name}\0${r.type}\0${r.ttl}\0${r.data}`;

/**
 * Condense a chain of changesets into one difference (RFC 1995 §5 allows it): a record added then
 * removed again vanishes, and the other way round.
 */
export function condense(chain: Changeset[]): { removed: RR[]; added: RR[] } {
  const removed = new Map<string, RR>();
  const added = new Map<string, RR>();
  for (const cs of chain) {
    for (const r of cs.removed.slice(1)) {
      const k = rrKey(r);
      if (added.has(k)) added.delete(k);
      else removed.set(k, r);
    }
    for (const r of cs.added.slice(1)) {
      const k = rrKey(r);
      if (removed.has(k)) removed.delete(k);
      else added.set(k, r);
    }
  }
  return { removed: [...removed.values()], added: [...added.values()] };
}

/**
 * The IXFR answer from `fromSerial` (RFC 1995 §4): new SOA, old SOA, removed…, new SOA, added…, new SOA.
 * `current` is the snapshot whose serial the chain ends at.
 */
export function ixfrMessages(current: ZoneSnapshot, chain: Changeset[]): Transfer {
  const first = chain[0];
  const { removed, added } = condense(chain);
  const newSoa: RR = { name: current.name, type: "SOA", ttl: current.soa.ttl, data: current.soa.data[0] };
  const oldSoa: RR = first.removed[0];
  const records = [newSoa, oldSoa, ...removed, newSoa, ...added, newSoa];
  return packRecords(current.name, QTYPE.IXFR, records);
}

/**
 * The whole transfer for TCP, unsigned: the prepared wire itself with the request's ID in every message and
 * its question bytes (name, type, class) in the first. No copy (a fresh half megabyte per transfer costs
 * more than the rest of it): the caller writes it out before the next transfer patches it again, and
 * copies only what the socket did not take at once.
 */
export function patchInPlace(t: Transfer, id: number, questionBytes: Uint8Array): Uint8Array {
  const out = t.wire;
  for (const at of t.starts) {
    out[at + 2] = id >> 8;
    out[at + 3] = id & 0xff;
  }
  const first = t.starts[0] + 2;
  if (((out[first + 4] << 8) | out[first + 5]) === 1) out.set(questionBytes, first + HEADER);
  return out;
}

/** Octets of framed messages handed out at once by a Framer. */
const FRAME_CHUNK = 256 * 1024;
/** The Framers' buffer, reused: each hands out its octets before the next transfer starts. */
let frameScratch = new Uint8Array(FRAME_CHUNK + 65537);

/**
 * Frames messages (RFC 1035 §4.2.2) into one reused buffer and hands them to `out` in chunks: a signed
 * transfer goes out in a few writes, without a buffer per message. `out` must be done with the octets
 * (written, or copied) when it returns.
 */
export class Framer {
  private pos = 0;
  constructor(private readonly out: (wire: Uint8Array) => void) {}

  add(msg: Uint8Array): void {
    if (this.pos + 2 + msg.length > frameScratch.length) this.flush();
    if (2 + msg.length > frameScratch.length) frameScratch = new Uint8Array(2 + msg.length);
    const b = frameScratch;
    b[this.pos] = msg.length >> 8;
    b[this.pos + 1] = msg.length & 0xff;
    b.set(msg, this.pos + 2);
    this.pos += 2 + msg.length;
    if (this.pos >= FRAME_CHUNK) this.flush();
  }

  flush(): void {
    if (this.pos === 0) return;
    const n = this.pos;
    this.pos = 0;
    this.out(frameScratch.subarray(0, n));
  }
}

/** Copy a prepared message, put in the request's ID and question (name, type, class) bytes. */
export function patch(msg: Uint8Array, id: number, questionBytes: Uint8Array | null): Uint8Array {
  const out = msg.slice();
  out[0] = id >> 8;
  out[1] = id & 0xff;
  if (questionBytes && ((out[4] << 8) | out[5]) === 1) out.set(questionBytes, HEADER);
  return out;
}
