// Building RFC 2136 UPDATE messages and RD-off queries, and reading the records of an answer. Encoded by
// hand on top of dns/wire: the UPDATE sections reuse the class field (ANY, NONE) and empty RDATA in ways a
// general packet library does not model, and TSIG needs the exact octets we send.
import ipaddr from "ipaddr.js";
import { encodeName, isAddressText, normalizeName, readName, scanMessage, txtCharacterStrings, type ScannedMessage, type SoaFields } from "../wire/index.ts";

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, ANY: 255 } as const;
export type RecordTypeName = keyof typeof TYPE;
const CLASS_IN = 1;
const CLASS_NONE = 254; // RFC 2136 §2.4, §2.5.4
const CLASS_ANY = 255;
const OPCODE_QUERY = 0;
const OPCODE_UPDATE = 5;

export const RCODE_NAMES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];
export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}

/** What an UPDATE does to one name (RFC 2136 §2.5). Names are absolute. */
export type UpdateOp =
  | { op: "add"; name: string; type: "A" | "AAAA" | "TXT" | "PTR"; ttl: number; value: string }
  | { op: "deleteRRset"; name: string; type: "A" | "AAAA" | "TXT" | "PTR" }
  | { op: "deleteRR"; name: string; type: "A" | "AAAA" | "TXT" | "PTR"; value: string }
  | { op: "deleteName"; name: string };

/** Prerequisites (RFC 2136 §2.4), optional. */
export type Prerequisite =
  | { pre: "rrsetExists"; name: string; type: RecordTypeName }
  | { pre: "rrsetAbsent"; name: string; type: RecordTypeName }
  | { pre: "nameInUse"; name: string }
  | { pre: "nameNotInUse"; name: string };

/** Replace (name, type) by `values`: delete the RRset, then add each value (one UPDATE, applied atomically). */
export function replaceOps(name: string, type: "A" | "AAAA" | "TXT", values: string[], ttl: number): UpdateOp[] {
  return [{ op: "deleteRRset", name, type }, ...values.map((value) => ({ op: "add" as const, name, type, ttl, value }))];
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** RDATA of a value in presentation form; throws an Error that names the value when it does not fit. */
export function encodeRdata(type: "A" | "AAAA" | "TXT" | "PTR", value: string): number[] {
  if (type === "A" || type === "AAAA") {
    if (!isAddressText(type, value)) throw new Error(`"${value}" is not an ${type === "A" ? "IPv4" : "IPv6"} address`);
    return ipaddr.parse(value).toByteArray();
  }
  if (type === "PTR") return [...encodeName(value, false)];
  // TXT: one value is one RR, its text cut into character-strings as the zone store cuts it.
  const strings = txtCharacterStrings(value);
  if (strings.reduce((n, s) => n + s.length, 0) > 4000) throw new Error("TXT value longer than 4000 octets");
  return strings.flatMap((s) => [s.length, ...s]);
}

function rr(name: string, type: number, cls: number, ttl: number, rdata: number[]): number[] {
  return [...encodeName(name, false), ...u16(type), ...u16(cls), ...u32(ttl), ...u16(rdata.length), ...rdata];
}

/** A complete UPDATE message (RFC 2136 §2): zone section, prerequisites, updates; no additional records. */
export function buildUpdate(id: number, zone: string, ops: UpdateOp[], prerequisites: Prerequisite[] = []): Uint8Array {
  const z = normalizeName(zone);
  const pre: number[] = [];
  for (const p of prerequisites) {
    if (p.pre === "rrsetExists") pre.push(...rr(p.name, TYPE[p.type], CLASS_ANY, 0, [])); // §2.4.1
    else if (p.pre === "rrsetAbsent") pre.push(...rr(p.name, TYPE[p.type], CLASS_NONE, 0, [])); // §2.4.3
    else if (p.pre === "nameInUse") pre.push(...rr(p.name, TYPE.ANY, CLASS_ANY, 0, [])); // §2.4.4
    else pre.push(...rr(p.name, TYPE.ANY, CLASS_NONE, 0, [])); // §2.4.5
  }
  const upd: number[] = [];
  for (const o of ops) {
    if (o.op === "add") {
      if (!Number.isInteger(o.ttl) || o.ttl < 0 || o.ttl > 0x7fffffff) throw new Error(`TTL ${o.ttl} out of range`);
      upd.push(...rr(o.name, TYPE[o.type], CLASS_IN, o.ttl, encodeRdata(o.type, o.value))); // §2.5.1
    } else if (o.op === "deleteRRset") upd.push(...rr(o.name, TYPE[o.type], CLASS_ANY, 0, [])); // §2.5.2
    else if (o.op === "deleteName") upd.push(...rr(o.name, TYPE.ANY, CLASS_ANY, 0, [])); // §2.5.3
    else upd.push(...rr(o.name, TYPE[o.type], CLASS_NONE, 0, encodeRdata(o.type, o.value))); // §2.5.4
  }
  const header = [...u16(id), ...u16(OPCODE_UPDATE << 11), ...u16(1), ...u16(prerequisites.length), ...u16(ops.length), ...u16(0)];
  return Uint8Array.from([...header, ...encodeName(z, false), ...u16(TYPE.SOA), ...u16(CLASS_IN), ...pre, ...upd]);
}

/**
 * A standard query, RD off by default (we ask authoritative servers directly); `recursionDesired` sets RD
 * (RFC 1035 §4.1.1) for a recursive resolver, as the reverse lookups of visitors' addresses need.
 */
export function buildQuery(id: number, name: string, type: RecordTypeName, recursionDesired = false): Uint8Array {
  const header = [...u16(id), ...u16((OPCODE_QUERY << 11) | (recursionDesired ? 0x0100 : 0)), ...u16(1), 0, 0, 0, 0, 0, 0];
  return Uint8Array.from([...header, ...encodeName(normalizeName(name), false), ...u16(TYPE[type]), ...u16(CLASS_IN)]);
}

export interface AnswerRecord {
  name: string;
  type: RecordTypeName | number;
  ttl: number;
  /** Presentation form: address (A/AAAA), text (TXT, strings joined), name (PTR/CNAME/NS), SOA fields. */
  value: string;
}

function typeName(n: number): RecordTypeName | number {
  return (Object.keys(TYPE) as RecordTypeName[]).find((k) => TYPE[k] === n) ?? n;
}

/** Decode the RDATA we understand; others come back as hex. Throws when RDATA does not fit its type. */
function decodeRdata(wire: Uint8Array, type: number, off: number, len: number): { value: string; soa?: SoaFields } {
  const dv = new DataView(wire.buffer, wire.byteOffset, wire.byteLength);
  const end = off + len;
  if (type === TYPE.A) {
    if (len !== 4) throw new Error("A record data is not 4 octets");
    return { value: Array.from(wire.subarray(off, end)).join(".") };
  }
  if (type === TYPE.AAAA) {
    if (len !== 16) throw new Error("AAAA record data is not 16 octets");
    return { value: ipaddr.fromByteArray(Array.from(wire.subarray(off, end))).toString() };
  }
  if (type === TYPE.TXT) {
    const parts: Uint8Array[] = [];
    let p = off;
    while (p < end) {
      const l = wire[p];
      if (p + 1 + l > end) throw new Error("TXT character-string runs past its record");
      parts.push(wire.subarray(p + 1, p + 1 + l));
      p += 1 + l;
    }
    return { value: parts.map((x) => new TextDecoder().decode(x)).join("") };
  }
  if (type === TYPE.PTR || type === TYPE.CNAME || type === TYPE.NS) {
    const { name, next } = readName(wire, off);
    if (next !== end) throw new Error("name record data has trailing octets");
    return { value: name };
  }
  if (type === TYPE.SOA) {
    const m = readName(wire, off);
    const r = readName(wire, m.next);
    if (r.next + 20 !== end) throw new Error("SOA record data has the wrong length");
    const soa: SoaFields = {
      mname: m.name,
      rname: r.name,
      serial: dv.getUint32(r.next),
      refresh: dv.getUint32(r.next + 4),
      retry: dv.getUint32(r.next + 8),
      expire: dv.getUint32(r.next + 12),
      minimum: dv.getUint32(r.next + 16),
    };
    return { value: `${soa.mname} ${soa.rname} ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`, soa };
  }
  return { value: Buffer.from(wire.subarray(off, end)).toString("hex") };
}

export interface DecodedResponse {
  id: number;
  rcode: string;
  aa: boolean;
  tc: boolean;
  opcode: number;
  question: { name: string; type: number } | null;
  answers: AnswerRecord[];
  authority: AnswerRecord[];
  soa?: SoaFields;
}

/** Decode a response; throws an Error with the reason when it is malformed. */
export function decodeResponse(wire: Uint8Array): DecodedResponse {
  const m: ScannedMessage = scanMessage(wire);
  const conv = (section: "answer" | "authority") =>
    m.records
      .filter((r) => r.section === section)
      .map((r) => {
        const d = decodeRdata(wire, r.type, r.rdataOffset, r.rdlength);
        return { rec: { name: r.name, type: typeName(r.type), ttl: r.ttl, value: d.value }, soa: d.soa };
      });
  const answers = conv("answer");
  const authority = conv("authority");
  const soa = answers.find((a) => a.soa)?.soa;
  return {
    id: m.id,
    rcode: rcodeName(m.rcode),
    aa: (m.flags & 0x0400) !== 0,
    tc: m.tc,
    opcode: m.opcode,
    question: m.questions[0] ? { name: m.questions[0].name, type: m.questions[0].type } : null,
    answers: answers.map((a) => a.rec),
    authority: authority.map((a) => a.rec),
    soa,
  };
}

/** Name used for a reverse lookup of an address (RFC 1035 §3.5, RFC 3596 §2.5). */
export function reverseName(address: string): string {
  if (!ipaddr.isValid(address)) throw new Error(`"${address}" is not an IP address`);
  const a = ipaddr.parse(address);
  if (a.kind() === "ipv4") return a.toByteArray().reverse().join(".") + ".in-addr.arpa";
  const nibbles = a.toByteArray().flatMap((b) => [b >> 4, b & 0xf]);
  return nibbles.reverse().map((n) => n.toString(16)).join(".") + ".ip6.arpa";
}
