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

/** FNV-1a (32 bits) over names in wire form, lower-cased: the hot path's keys, made without strings. */
const FNV_SEED = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** The hash of a name's suffix: the label of `len` octets at `b[at]` in front of a suffix hashed `h`. */
function hashLabel(h: number, b: Uint8Array, at: number, len: number): number {
  h = Math.imul(h ^ len, FNV_PRIME);
  for (let i = at + 1; i <= at + len; i++) {
    const c = b[i];
    h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), FNV_PRIME);
  }
  return h;
}

/** The hash of a name in wire form (uncompressed, at `at`): what QueryScan.suffixHash holds for it. */
export function nameHash(b: Uint8Array, at = 0): number {
  const starts: number[] = [];
  // Bounded by the 128 labels a name can hold.
  for (let p = at; starts.length < 128 && p < b.length && b[p] !== 0; p += 1 + b[p]) starts.push(p);
  let h = FNV_SEED;
  for (let i = starts.length - 1; i >= 0; i--) h = hashLabel(h, b, starts[i], b[starts[i]]);
  return h;
}

/** A key from a question's hash and the numbers beside it (type, EDNS variant, size limit). */
export function mixKey(h: number, a: number, b: number): number {
  return Math.imul(Math.imul(h ^ a, FNV_PRIME) ^ b, FNV_PRIME);
}

/**
 * A plain query as the hot path reads it, filled in place by scanQuery: one object per responder, not
 * one per query (a loaded server otherwise spends its pauses collecting them).
 */
export class QueryScan {
  /** Offset just after QNAME (the question's name octets are [12, qnameEnd)). */
  qnameEnd = 0;
  qtype = 0;
  qclass = 0;
  /** Labels of the name; labelAt[i] is where label i's length octet is, labelAt[labels] the root octet. */
  labels = 0;
  readonly labelAt = new Int32Array(129);
  /** suffixHash[i]: the lower-cased name from label i on (nameHash of that suffix); [labels] is the root's. */
  readonly suffixHash = new Int32Array(129);
  /** EDNS(0) (RFC 6891 §6.1.3): whether the query had an OPT record, and its fields. */
  edns = false;
  udpSize = 0;
  version = 0;
  do = false;
}

/**
 * Scan a plain query into `s`: QR=0, opcode QUERY, one question without compression, no answer/authority,
 * and at most one additional record that is a well-formed OPT at the root. False for anything else (the
 * slow path takes it, and answers FORMERR where due), also for names with octets that need escaping in
 * text form.
 */
export function scanQuery(b: Uint8Array, s: QueryScan): boolean {
  const len = b.length;
  if (len < HEADER + 5) return false;
  // QR=0, opcode 0 (bits 11-14), Z bit clear is not required (RFC 6891 keeps it for DO in OPT only).
  if ((b[2] & 0xf8) !== 0) return false;
  if (b[4] !== 0 || b[5] !== 1 || b[6] !== 0 || b[7] !== 0 || b[8] !== 0 || b[9] !== 0 || b[10] !== 0 || b[11] > 1) return false;
  let p = HEADER;
  let labels = 0;
  // A name is at most 255 octets, so at most 128 labels: the loop is bounded by that.
  for (; labels < 128; labels++) {
    if (p >= len) return false;
    const l = b[p];
    if (l === 0) break;
    if (l > 63) return false; // compression or an extended label type: slow path
    if (p + 1 + l > len || p + l > HEADER + 253) return false;
    for (let i = p + 1; i <= p + l; i++) {
      const c = b[i];
      // Octets that need escaping in text form go the slow path.
      if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c) return false;
    }
    s.labelAt[labels] = p;
    p += 1 + l;
  }
  if (p >= len || b[p] !== 0) return false;
  s.labelAt[labels] = p;
  s.labels = labels;
  const qnameEnd = p + 1;
  if (qnameEnd + 4 > len) return false;
  const qtype = (b[qnameEnd] << 8) | b[qnameEnd + 1];
  const qclass = (b[qnameEnd + 2] << 8) | b[qnameEnd + 3];
  p = qnameEnd + 4;
  s.edns = false;
  if (b[11] === 1) {
    // OPT: root name (0), type 41, class = UDP size, TTL = ext-rcode, version, flags; rdata = options.
    if (p + 11 > len || b[p] !== 0 || b[p + 1] !== 0 || b[p + 2] !== QTYPE.OPT) return false;
    const rdlen = (b[p + 9] << 8) | b[p + 10];
    if (p + 11 + rdlen !== len) return false;
    // Options must tile the rdata exactly (RFC 6891 §6.1.2).
    let o = p + 11;
    for (let k = 0; k < 1000 && o < len; k++) {
      if (o + 4 > len) return false;
      o += 4 + ((b[o + 2] << 8) | b[o + 3]);
    }
    if (o !== len) return false;
    s.edns = true;
    s.udpSize = (b[p + 3] << 8) | b[p + 4];
    s.version = b[p + 6];
    s.do = (b[p + 7] & 0x80) !== 0;
  } else if (p !== len) return false;
  s.qnameEnd = qnameEnd;
  s.qtype = qtype;
  s.qclass = qclass;
  let h = FNV_SEED;
  s.suffixHash[labels] = h;
  for (let i = labels - 1; i >= 0; i--) s.suffixHash[i] = h = hashLabel(h, b, s.labelAt[i], b[s.labelAt[i]]);
  return true;
}

/** The question name of a scanned query as text: lower case, no trailing dot. */
export function scannedName(b: Uint8Array, s: QueryScan): string {
  let name = "";
  for (let i = 0; i < s.labels; i++) {
    const at = s.labelAt[i];
    if (i > 0) name += ".";
    for (let k = at + 1; k <= at + b[at]; k++) {
      const c = b[k];
      name += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
    }
  }
  return name;
}

/** The EDNS of a scanned query as an object (the slow part of the hot path wants one). */
export function scannedEdns(s: QueryScan): Edns | null {
  return s.edns ? { udpSize: s.udpSize, version: s.version, do: s.do } : null;
}

/** A plain query parsed into an object (scanQuery without the reuse; tests and callers off the hot path). */
export function parseFastQuery(b: Uint8Array): FastQuery | null {
  const s = new QueryScan();
  if (!scanQuery(b, s)) return null;
  return { id: (b[0] << 8) | b[1], flags: (b[2] << 8) | b[3], qnameEnd: s.qnameEnd, qname: scannedName(b, s), qtype: s.qtype, qclass: s.qclass, edns: scannedEdns(s) };
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
