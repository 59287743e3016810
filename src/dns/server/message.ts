// Reading queries and writing responses on the wire. The hot path (one question, maybe one OPT) is
// parsed by hand without allocating a message object; everything else goes through dns/wire's scanner.
import { type KnownType, type RR, typeCode, WireWriter, writeRdata } from "../zone/index.ts";
import { QTYPE, TYPE } from "./constants.ts";

export const HEADER = 12;

/** EDNS(0) of a query (RFC 6891 §6.1.3). */
export interface Edns {
  udpSize: number;
  version: number;
  do: boolean;
}

/** A plain query as the fast path sees it. */
export interface FastQuery {
  id: number;
  /** Raw flags word. */
  flags: number;
  /** Offset just after QNAME (the question's name bytes are [12, qnameEnd)). */
  qnameEnd: number;
  /** Lower case, no trailing dot. */
  qname: string;
  qtype: number;
  qclass: number;
  edns: Edns | null;
}

/**
 * Parse a plain query: QR=0, opcode QUERY, one question without compression, no answer/authority, and
 * at most one additional record that is a well-formed OPT at the root. Anything else returns null and
 * takes the slow path (which also produces FORMERR where due).
 */
export function parseFastQuery(b: Uint8Array): FastQuery | null {
  const len = b.length;
  if (len < HEADER + 5) return null;
  const flags = (b[2] << 8) | b[3];
  // QR=0, opcode 0 (bits 11-14), Z bit clear is not required (RFC 6891 keeps it for DO in OPT only).
  if ((flags & 0xf800) !== 0) return null;
  if (b[4] !== 0 || b[5] !== 1 || b[6] !== 0 || b[7] !== 0 || b[8] !== 0 || b[9] !== 0 || b[10] !== 0 || b[11] > 1) return null;
  let p = HEADER;
  let qname = "";
  // A name is at most 255 octets, so at most 128 labels: the loop is bounded by that.
  for (let labels = 0; labels < 128; labels++) {
    if (p >= len) return null;
    const l = b[p];
    if (l === 0) break;
    if (l > 63) return null; // compression or an extended label type: slow path
    if (p + 1 + l > len || p + l > HEADER + 253) return null;
    if (qname.length) qname += ".";
    for (let i = p + 1; i <= p + l; i++) {
      let c = b[i];
      // Bytes that need escaping in text form go the slow path.
      if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c) return null;
      if (c >= 65 && c <= 90) c += 32;
      qname += String.fromCharCode(c);
    }
    p += 1 + l;
  }
  if (p >= len || b[p] !== 0) return null;
  const qnameEnd = p + 1;
  if (qnameEnd + 4 > len) return null;
  const qtype = (b[qnameEnd] << 8) | b[qnameEnd + 1];
  const qclass = (b[qnameEnd + 2] << 8) | b[qnameEnd + 3];
  p = qnameEnd + 4;
  let edns: Edns | null = null;
  if (b[11] === 1) {
    // OPT: root name (0), type 41, class = UDP size, TTL = ext-rcode, version, flags; rdata = options.
    if (p + 11 > len || b[p] !== 0 || b[p + 1] !== 0 || b[p + 2] !== QTYPE.OPT) return null;
    const udpSize = (b[p + 3] << 8) | b[p + 4];
    const version = b[p + 6];
    const doBit = (b[p + 7] & 0x80) !== 0;
    const rdlen = (b[p + 9] << 8) | b[p + 10];
    if (p + 11 + rdlen !== len) return null;
    // Options must tile the rdata exactly (RFC 6891 §6.1.2).
    let o = p + 11;
    for (let k = 0; k < 1000 && o < len; k++) {
      if (o + 4 > len) return null;
      o += 4 + ((b[o + 2] << 8) | b[o + 3]);
    }
    if (o !== len) return null;
    edns = { udpSize, version, do: doBit };
  } else if (p !== len) return null;
  return { id: (b[0] << 8) | b[1], flags, qnameEnd, qname, qtype, qclass, edns };
}

/** The largest response a UDP query allows (RFC 1035 §4.2.1, RFC 6891 §6.2.5). */
export function udpLimit(edns: Edns | null, maxUdp: number): number {
  if (!edns) return 512;
  return Math.max(512, Math.min(edns.udpSize, maxUdp));
}

/** Sections to put in a response. */
export interface ResponseParts {
  id: number;
  /** Flags word without rcode bits: QR, opcode, AA, TC, RD, CD as wanted. */
  flags: number;
  /** Full rcode (may exceed 15: the upper bits go into OPT, RFC 6891 §6.1.3). */
  rcode: number;
  /** Raw question name bytes (as received) plus type and class; null for none. */
  question: { nameBytes: Uint8Array; qname: string; qtype: number; qclass: number } | null;
  answer: RR[];
  authority: RR[];
  additional: RR[];
  /** Our OPT record, when the query had EDNS; `ede` adds an Extended DNS Error option (RFC 8914). */
  edns: { udpSize: number; do: boolean; ede?: number } | null;
}

export const FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, CD: 0x0010 } as const;

/** One resource record in wire form, class IN, RDLENGTH filled in after the rdata (RFC 1035 §4.1.3). */
export function writeRR(w: WireWriter, rr: RR): void {
  w.name(rr.name);
  w.u16(TYPE[rr.type as KnownType] ?? typeCode(rr.type));
  w.u16(1);
  w.u32(rr.ttl);
  const at = w.pos;
  w.u16(0);
  writeRdata(w, rr.type, rr.data);
  w.view.setUint16(at, w.pos - at - 2);
}

/** Encode with name compression. Does not truncate: see encodeWithin. */
export function encodeResponse(r: ResponseParts, sections: { answer: boolean; authority: boolean; additional: boolean } = { answer: true, authority: true, additional: true }, tc = false): Uint8Array {
  const w = new WireWriter(512);
  w.u16(r.id);
  w.u16(r.flags | (tc ? FLAG.TC : 0) | (r.rcode & 0xf));
  const an = sections.answer ? r.answer : [];
  const ns = sections.authority ? r.authority : [];
  const ar = sections.additional ? r.additional : [];
  w.u16(r.question ? 1 : 0);
  w.u16(an.length);
  w.u16(ns.length);
  w.u16(ar.length + (r.edns ? 1 : 0));
  if (r.question) {
    const q = r.question;
    // Register the question's suffixes for compression when the name is plain text.
    if (!q.qname.includes("\\")) {
      let off = HEADER;
      let name = q.qname;
      for (let i = 0; i < 128 && name !== ""; i++) {
        w.names.set(name, off);
        off += 1 + q.nameBytes[off - HEADER];
        const dot = name.indexOf(".");
        name = dot < 0 ? "" : name.slice(dot + 1);
      }
    }
    w.bytes(q.nameBytes);
    w.u16(q.qtype);
    w.u16(q.qclass);
  }
  for (const rr of an) writeRR(w, rr);
  for (const rr of ns) writeRR(w, rr);
  for (const rr of ar) writeRR(w, rr);
  if (r.edns) {
    w.u8(0);
    w.u16(QTYPE.OPT);
    w.u16(r.edns.udpSize);
    w.u8((r.rcode >> 4) & 0xff);
    w.u8(0); // version 0
    w.u16(r.edns.do ? 0x8000 : 0);
    if (r.edns.ede === undefined) w.u16(0);
    else {
      // RFC 8914 §2: option code 15, INFO-CODE, no EXTRA-TEXT.
      w.u16(6);
      w.u16(15);
      w.u16(2);
      w.u16(r.edns.ede);
    }
  }
  return w.done();
}

/**
 * Encode within `limit` octets (RFC 2181 §9): drop additional RRsets from the end first (their RRSIGs come
 * last, so they go before the addresses: RFC 4035 §3.1.1), setting TC only when referral glue had to go;
 * when the answer and authority sections (with their RRSIGs) do not fit, everything but the question
 * goes with TC set.
 */
export function encodeWithin(r: ResponseParts, limit: number, glueRequired = false): Uint8Array {
  const full = encodeResponse(r);
  if (full.length <= limit) return full;
  const add = r.additional;
  for (let keep = rrsetStart(add, add.length); keep > 0; keep = rrsetStart(add, keep)) {
    const tc = glueRequired && add.slice(keep).some((rr) => rr.type !== "RRSIG");
    const out = encodeResponse({ ...r, additional: add.slice(0, keep) }, undefined, tc);
    if (out.length <= limit) return out;
  }
  if (add.length > 0) {
    const noAdd = encodeResponse(r, { answer: true, authority: true, additional: false }, glueRequired);
    if (noAdd.length <= limit) return noAdd;
  }
  return encodeResponse(r, { answer: false, authority: false, additional: false }, true);
}

/**
 * Where the RRset ending just before `end` starts: RRsets are dropped whole (RFC 2181 §9), and the RRSIGs
 * of one covered type together (RFC 4034 §3: the covered type is the first field of the rdata).
 */
function rrsetStart(rrs: RR[], end: number): number {
  if (end <= 0) return 0;
  const last = rrs[end - 1];
  const covered = last.type === "RRSIG" ? coveredType(last.data) : "";
  let i = end - 1;
  while (i > 0 && rrs[i - 1].name === last.name && rrs[i - 1].type === last.type && (covered === "" || coveredType(rrs[i - 1].data) === covered)) i--;
  return i;
}

function coveredType(rrsig: string): string {
  const sp = rrsig.indexOf(" ");
  return sp < 0 ? rrsig : rrsig.slice(0, sp);
}

/** Name bytes in wire form for a plain lower-case name (used for cached answers and tests). */
export function nameBytes(name: string): Uint8Array {
  const w = new WireWriter(64);
  w.name(name, false);
  return w.done();
}
