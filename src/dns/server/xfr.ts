// Zone transfers out: AXFR (RFC 5936) from one snapshot, IXFR (RFC 1995) from the journal, condensed.
// Messages are built here unsigned and with ID 0; the responder patches the ID and signs each one.
import { type Changeset, type RR, WireWriter, type ZoneSnapshot } from "../zone/index.ts";
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
 * Pack records into messages of at most ~16 kB (RFC 5936 §2.2: as many records per message as fit).
 * The first message carries the question (lower case; the responder copies in the client's bytes).
 */
export function packRecords(zone: string, qtype: number, records: Iterable<RR>): Uint8Array[] {
  const out: Uint8Array[] = [];
  let w: WireWriter | null = null;
  let count = 0;
  const start = () => {
    w = new WireWriter(MESSAGE_TARGET + 1024);
    header(w, out.length === 0);
    if (out.length === 0) {
      w.name(zone, true);
      w.u16(qtype);
      w.u16(1);
    }
    count = 0;
  };
  const finish = () => {
    w!.view.setUint16(6, count);
    out.push(w!.done());
    w = null;
  };
  for (const rr of records) {
    if (!w) start();
    writeRR(w!, rr);
    count++;
    if (w!.pos > MESSAGE_TARGET || count === 0xffff) finish();
  }
  if (w) finish();
  return out;
}

const axfrCache = new WeakMap<ZoneSnapshot, Uint8Array[]>();

/** The AXFR answer of a snapshot: SOA, every record, SOA (RFC 5936 §2.2); built once per snapshot. */
export function axfrMessages(z: ZoneSnapshot): Uint8Array[] {
  let m = axfrCache.get(z);
  if (!m) {
    const soa: RR = { name: z.name, type: "SOA", ttl: z.soa.ttl, data: z.soa.data[0] };
    const all = function* () {
      yield* z.records(false);
      yield soa;
    };
    m = packRecords(z.name, QTYPE.AXFR, all());
    axfrCache.set(z, m);
  }
  return m;
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
export function ixfrMessages(current: ZoneSnapshot, chain: Changeset[]): Uint8Array[] {
  const first = chain[0];
  const { removed, added } = condense(chain);
  const newSoa: RR = { name: current.name, type: "SOA", ttl: current.soa.ttl, data: current.soa.data[0] };
  const oldSoa: RR = first.removed[0];
  const records = [newSoa, oldSoa, ...removed, newSoa, ...added, newSoa];
  return packRecords(current.name, QTYPE.IXFR, records);
}

/** Copy a prepared message, put in the request's ID and question (name, type, class) bytes. */
export function patch(msg: Uint8Array, id: number, questionBytes: Uint8Array | null): Uint8Array {
  const out = msg.slice();
  out[0] = id >> 8;
  out[1] = id & 0xff;
  if (questionBytes && ((out[4] << 8) | out[5]) === 1) out.set(questionBytes, HEADER);
  return out;
}
