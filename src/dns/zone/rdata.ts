// Rdata of the zone types in three forms: presentation text (master files, CLI), canonical text (what the
// store keeps and compares) and wire bytes (RFC 1035 §3.3, RFC 2782 SRV, RFC 8659 CAA, RFC 3596 AAAA).
// Canonical text: names absolute, in the case they were written (RFC 4343 §4), with a trailing dot; numbers
// in decimal; AAAA in RFC 5952 form; TXT and CAA values as quoted strings with only `"`, `\` and
// non-printable bytes escaped. `rdataKey` is the case-folded form records are compared by.
import ipaddr from "ipaddr.js";
import { isAddressText, normalizeName, readName, NameFormatError, txtCharacterStrings, type SoaFields } from "../wire/index.ts";
import { isGenericType, TYPE_CODE, type RRType } from "./types.ts";
import { absoluteName, checkName, CODECS, genericBytes, genericText, isGenericRdata, LOWERCASED_FOR_SIGNING, quoteString, RdataError, unescapeString, type Token } from "./rdata/index.ts";
import { packAAAA } from "./packed.ts";
import { base32hex, decodeTypeBitmap, encodeTypeBitmap, fromBase32hex, fromBase64, fromHex, parseSigTime, sigTime, toBase64, toHex } from "../dnssec/index.ts";

export { absoluteName, checkName, quoteString, RdataError, unescapeString, type Token };

// ---------- names ----------

/** Whether `name` is `zone` or below it (both normalized). */
export function inZone(name: string, zone: string): boolean {
  return zone === "" || name === zone || name.endsWith("." + zone);
}


const dotted = (n: string) => n + ".";

// ---------- presentation → canonical ----------

function uint(tok: Token | undefined, bits: 8 | 16 | 32, what: string): number {
  if (!tok || tok.quoted || !/^\d+$/.test(tok.text)) throw new RdataError(`${what}: expected a number, got ${tok ? JSON.stringify(tok.text) : "nothing"}`);
  const v = Number(tok.text);
  if (v > 2 ** bits - 1) throw new RdataError(`${what}: ${tok.text} is out of range`);
  return v;
}

/** TTL or SOA timer: a number of seconds, or BIND's 1w2d3h4m5s form. */
export function parseTtl(text: string): number {
  if (/^\d+$/.test(text)) {
    const v = Number(text);
    if (v > 2 ** 31 - 1) throw new RdataError(`TTL ${text} is out of range`);
    return v;
  }
  const m = text.toLowerCase().match(/^(\d+[wdhms])+$/);
  if (!m) throw new RdataError(`bad TTL ${JSON.stringify(text)}`);
  const mult: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const part of text.toLowerCase().matchAll(/(\d+)([wdhms])/g)) total += Number(part[1]) * mult[part[2]];
  if (total > 2 ** 31 - 1) throw new RdataError(`TTL ${text} is out of range`);
  return total;
}

function timer(tok: Token | undefined, what: string): number {
  if (!tok || tok.quoted) throw new RdataError(`${what}: missing`);
  if (/^\d+$/.test(tok.text)) return uint(tok, 32, what);
  return parseTtl(tok.text);
}

function name(tok: Token | undefined, origin: string, what: string): string {
  if (!tok || tok.quoted) throw new RdataError(`${what}: expected a name`);
  return dotted(absoluteName(tok.text, origin));
}

/** Canonical rdata of `type` from presentation tokens; names relative to `origin`. Throws RdataError. */
export function parseRdata(type: RRType, toks: Token[], origin: string): string {
  // RFC 3597 §5: any type's rdata may be given as "\# length hex"; it must then be valid for the type.
  if (isGenericRdata(toks)) {
    const b = genericBytes(toks);
    return readRdata(b, 0, b.length, type);
  }
  if (isGenericType(type)) throw new RdataError(`${type} rdata must be in the form \\# length hex (RFC 3597 §5)`);
  const codec = CODECS[type];
  // Text → wire → text: what is stored is exactly what the wire form says.
  if (codec) return codec.decode(codec.encode(toks, origin, false));
  const need = (n: number) => {
    if (toks.length !== n) throw new RdataError(`${type} needs ${n} field${n > 1 ? "s" : ""}, got ${toks.length}`);
  };
  switch (type) {
    case "A": {
      need(1);
      const t = toks[0].text;
      if (toks[0].quoted || !isAddressText("A", t)) throw new RdataError(`bad IPv4 address ${JSON.stringify(t)}`);
      return ipaddr.IPv4.parse(t).toString();
    }
    case "AAAA": {
      need(1);
      const t = toks[0].text;
      if (toks[0].quoted || !isAddressText("AAAA", t)) throw new RdataError(`bad IPv6 address ${JSON.stringify(t)}`);
      return ipaddr.IPv6.parse(t).toString();
    }
    case "NS":
    case "CNAME":
    case "PTR":
      need(1);
      return name(toks[0], origin, type);
    case "MX":
      need(2);
      return `${uint(toks[0], 16, "MX preference")} ${name(toks[1], origin, "MX exchange")}`;
    case "SRV":
      need(4);
      return `${uint(toks[0], 16, "SRV priority")} ${uint(toks[1], 16, "SRV weight")} ${uint(toks[2], 16, "SRV port")} ${name(toks[3], origin, "SRV target")}`;
    case "SOA":
      need(7);
      return [
        name(toks[0], origin, "SOA mname"),
        name(toks[1], origin, "SOA rname"),
        uint(toks[2], 32, "SOA serial"),
        timer(toks[3], "SOA refresh"),
        timer(toks[4], "SOA retry"),
        timer(toks[5], "SOA expire"),
        timer(toks[6], "SOA minimum"),
      ].join(" ");
    case "TXT": {
      if (toks.length === 0) throw new RdataError("TXT needs at least one string");
      return toks
        .map((t) => {
          const b = unescapeString(t.text);
          if (b.length > 255) throw new RdataError("TXT string longer than 255 octets (split it into several quoted strings)");
          return quoteString(b);
        })
        .join(" ");
    }
    case "DS":
    case "CDS": {
      if (toks.length < 4) throw new RdataError(`${type} needs key tag, algorithm, digest type and digest`);
      const digest = bytesOf(() => fromHex(toks.slice(3).map((t) => t.text).join("")), `${type} digest`);
      return `${uint(toks[0], 16, "key tag")} ${uint(toks[1], 8, "algorithm")} ${uint(toks[2], 8, "digest type")} ${toHex(digest)}`;
    }
    case "DNSKEY":
    case "CDNSKEY": {
      if (toks.length < 4) throw new RdataError(`${type} needs flags, protocol, algorithm and key`);
      const key = bytesOf(() => fromBase64(toks.slice(3).map((t) => t.text).join("")), `${type} key`);
      return `${uint(toks[0], 16, "flags")} ${uint(toks[1], 8, "protocol")} ${uint(toks[2], 8, "algorithm")} ${toBase64(key)}`;
    }
    case "RRSIG": {
      if (toks.length < 9) throw new RdataError("RRSIG needs 9 fields");
      const covered = typeCodeOf(toks[0].text);
      const times = [toks[4], toks[5]].map((t) => bytesOf(() => parseSigTime(t.text), "RRSIG time"));
      const sig = bytesOf(() => fromBase64(toks.slice(8).map((t) => t.text).join("")), "RRSIG signature");
      return `${typeNameOf(covered)} ${uint(toks[1], 8, "algorithm")} ${uint(toks[2], 8, "labels")} ${uint(toks[3], 32, "original TTL")} ${sigTime(times[0])} ${sigTime(times[1])} ${uint(toks[6], 16, "key tag")} ${name(toks[7], origin, "signer")} ${toBase64(sig)}`;
    }
    case "NSEC": {
      if (toks.length < 1) throw new RdataError("NSEC needs a next name");
      return [name(toks[0], origin, "NSEC next name"), ...typeList(toks.slice(1))].join(" ");
    }
    case "NSEC3": {
      if (toks.length < 5) throw new RdataError("NSEC3 needs algorithm, flags, iterations, salt and next hash");
      const next = bytesOf(() => fromBase32hex(toks[4].text), "NSEC3 next hash");
      return [`${uint(toks[0], 8, "hash algorithm")} ${uint(toks[1], 8, "flags")} ${uint(toks[2], 16, "iterations")} ${salt(toks[3])} ${base32hex(next).toUpperCase()}`, ...typeList(toks.slice(5))].join(" ");
    }
    case "NSEC3PARAM":
      need(4);
      return `${uint(toks[0], 8, "hash algorithm")} ${uint(toks[1], 8, "flags")} ${uint(toks[2], 16, "iterations")} ${salt(toks[3])}`;
    case "CAA": {
      need(3);
      const flags = uint(toks[0], 8, "CAA flags");
      const tag = toks[1].text;
      // RFC 8659 §4.1: the tag is 1..15 ASCII letters and digits.
      if (toks[1].quoted || !/^[A-Za-z0-9]{1,15}$/.test(tag)) throw new RdataError(`bad CAA tag ${JSON.stringify(tag)}`);
      return `${flags} ${tag.toLowerCase()} ${quoteString(unescapeString(toks[2].text))}`;
    }
  }
  throw new RdataError(`record type ${type} is not supported`);
}

function bytesOf<T>(f: () => T, what: string): T {
  try {
    return f();
  } catch (e) {
    throw new RdataError(`${what}: ${(e as Error).message}`);
  }
}

function salt(tok: Token): string {
  if (tok.text === "-") return "-";
  const b = bytesOf(() => fromHex(tok.text), "NSEC3 salt");
  if (b.length > 255) throw new RdataError("NSEC3 salt longer than 255 octets");
  return b.length ? toHex(b) : "-";
}

const EXTRA_TYPES: Record<string, number> = { OPT: 41 };
const CODE_NAME = new Map<number, string>([...Object.entries(EXTRA_TYPES), ...Object.entries(TYPE_CODE)].map(([k, v]) => [v, k]));

/** The code of a type mnemonic or RFC 3597 "TYPEnnn". */
export function typeCodeOf(text: string): number {
  const t = text.toUpperCase();
  const known = (TYPE_CODE as Record<string, number>)[t] ?? EXTRA_TYPES[t];
  if (known !== undefined) return known;
  const m = t.match(/^TYPE(\d{1,5})$/);
  if (m && Number(m[1]) < 65536) return Number(m[1]);
  throw new RdataError(`unknown record type ${JSON.stringify(text)}`);
}

export function typeNameOf(code: number): string {
  return CODE_NAME.get(code) ?? `TYPE${code}`;
}

/** Type mnemonics of an NSEC/NSEC3 bitmap, canonical: by code, no duplicates. */
function typeList(toks: Token[]): string[] {
  return [...new Set(toks.map((t) => typeCodeOf(t.text)))].sort((a, b) => a - b).map(typeNameOf);
}

/** Split canonical rdata (or a one-line presentation) into tokens: whitespace-separated, "quoted" kept. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && j + 1 < text.length) {
          s += text[j] + text[j + 1];
          j += 2;
        } else s += text[j++];
      }
      if (j >= text.length) throw new RdataError("unterminated quoted string");
      out.push({ text: s, quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    let s = "";
    while (j < text.length && text[j] !== " " && text[j] !== "\t") {
      if (text[j] === "\\" && j + 1 < text.length) {
        s += text[j] + text[j + 1];
        j += 2;
      } else if (text[j] === '"' && j > i) {
        // An SVCB value quoted after its key (key="a b", RFC 9460 §2.1) stays one token, quotes kept.
        const close = text.indexOf('"', j + 1);
        if (close < 0) throw new RdataError("unterminated quoted string");
        s += text.slice(j, close + 1);
        j = close + 1;
      } else s += text[j++];
    }
    out.push({ text: s, quoted: false });
    i = j;
  }
  return out;
}

/**
 * Canonical TXT rdata holding `value` as is (no presentation escapes needed: a dyndns2 TXT update, an
 * ACME token). Values longer than 255 octets are split into several character-strings (RFC 1035 §3.3.14).
 */
export function txtRdata(value: string): string {
  return txtCharacterStrings(value).map(quoteString).join(" ");
}

/** Canonical rdata from one line of presentation text (CLI, API). */
export function rdataFromText(type: RRType, text: string, origin: string): string {
  return parseRdata(type, tokenize(text), origin);
}

/** The SOA fields of canonical SOA rdata. */
export function soaFields(data: string): SoaFields {
  const p = data.split(" ");
  return { mname: p[0], rname: p[1], serial: Number(p[2]), refresh: Number(p[3]), retry: Number(p[4]), expire: Number(p[5]), minimum: Number(p[6]) };
}

/** Canonical SOA rdata with another serial. */
export function withSerial(data: string, serial: number): string {
  const p = data.split(" ");
  p[2] = String(serial >>> 0);
  return p.join(" ");
}

/**
 * The form two rdata of `type` are compared by (duplicates in a set, deleting one record): the names in it
 * lower-cased, since names compare case-insensitively (RFC 4343 §3) while the stored text keeps the case
 * as written. Only name fields fold: TXT and CAA values, base64 and the RRSIG type stay as they are.
 */
export function rdataKey(type: RRType, data: string): string {
  switch (type) {
    case "NS":
    case "CNAME":
    case "PTR":
    case "MX":
    case "SRV":
    case "SOA":
    case "NSEC":
      // Every field but the names is a number (or, in NSEC, a type mnemonic that is upper case already).
      return type === "NSEC" ? lowerField(data, 0) : data.toLowerCase();
    case "RRSIG":
      return lowerField(data, 7);
    case "DNAME":
    case "RP":
      // Names only (RP: mailbox and TXT owner).
      return data.toLowerCase();
    case "SVCB":
    case "HTTPS":
      // Priority, then the target name; the SvcParams keep their case (alpn ids are case-sensitive).
      return lowerField(data, 1);
    case "NAPTR": {
      // The replacement name is the last field; flags, service and regexp may hold spaces and keep their case.
      const i = data.lastIndexOf(" ");
      return data.slice(0, i + 1) + data.slice(i + 1).toLowerCase();
    }
    default:
      return data;
  }
}

function lowerField(data: string, index: number): string {
  const p = data.split(" ");
  p[index] = p[index].toLowerCase();
  return p.join(" ");
}

/** The target name (no trailing dot) a record points at, for CNAME chasing and additional processing. */
export function targetOf(type: RRType, data: string): string | null {
  switch (type) {
    case "NS":
    case "CNAME":
    case "PTR":
      return normalizeName(data);
    case "MX":
      return normalizeName(data.split(" ")[1]);
    case "SRV":
      return normalizeName(data.split(" ")[3]);
    default:
      return null;
  }
}

// ---------- canonical → wire ----------

/**
 * A growing output buffer with RFC 1035 §4.1.4 name compression. `names` maps a name suffix, as written,
 * to the offset where it was written (only offsets below 0x4000 fit a pointer). Suffixes match only in the
 * same case: a pointer to a name in another case would change the case a reader sees (RFC 4343 §4.1).
 */
export class WireWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  readonly names = new Map<string, number>();
  /** False for canonical wire form (RFC 4034 §6.2): no name is compressed. */
  compress = true;
  /** True for canonical wire form (RFC 4034 §6.2): names are written in lower case. */
  lower = false;
  constructor(size = 512) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  /** Make sure `n` more octets fit at `pos`. */
  room(n: number) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  u8(v: number) {
    this.room(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number) {
    this.room(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }
  u32(v: number) {
    this.room(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }
  bytes(b: Uint8Array) {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** Write a name (no trailing dot, "" = root); compress against earlier names when `compress`. */
  name(n: string, compress = true) {
    // Our names are ASCII without escapes (checkName), so labels are copied byte by byte, case kept
    // unless this is canonical form.
    let norm = n;
    if (norm.endsWith(".")) norm = norm.slice(0, -1);
    if (norm === "") return this.u8(0);
    this.room(norm.length + 2);
    let start = 0;
    // One pass over the labels, leftmost first; each suffix is looked up once.
    for (let guard = 0; guard < 128; guard++) {
      const suffix = start === 0 ? norm : norm.slice(start);
      const at = this.names.get(suffix);
      if (compress && this.compress && at !== undefined) return this.u16(0xc000 | at);
      if (this.pos < 0x4000) this.names.set(suffix, this.pos);
      let end = norm.indexOf(".", start);
      if (end < 0) end = norm.length;
      const len = end - start;
      this.buf[this.pos++] = len;
      for (let i = start; i < end; i++) {
        const c = norm.charCodeAt(i);
        this.buf[this.pos++] = this.lower && c >= 65 && c <= 90 ? c + 32 : c;
      }
      if (end >= norm.length) break;
      start = end + 1;
    }
    this.buf[this.pos++] = 0;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function charStrings(text: string): Uint8Array[] {
  return tokenize(text).map((t) => unescapeString(t.text));
}

/** Wire rdata of the codec types and opaque types, by canonical text (answers repeat the same records). */
const wireCache = new Map<string, Uint8Array>();

function otherWire(type: RRType, data: string, forSigning: boolean): Uint8Array {
  const lower = forSigning && LOWERCASED_FOR_SIGNING.has(type);
  const key = `${lower ? "l" : ""}${type} ${data}`;
  let b = wireCache.get(key);
  if (b) return b;
  const toks = tokenize(data);
  b = isGenericRdata(toks) ? genericBytes(toks) : CODECS[type].encode(toks, "", lower);
  if (wireCache.size >= 4096) wireCache.clear();
  wireCache.set(key, b);
  return b;
}

/** Canonical A rdata is a dotted quad (checked on the way in), so it is split directly. */
function ipv4Value(data: string): number {
  let v = 0;
  let part = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 46) {
      v = v * 256 + part;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
  return (v * 256 + part) >>> 0;
}

/** Write canonical rdata of `type` (without the length); names compressed where RFC 3597 §4 allows. */
export function writeRdata(w: WireWriter, type: RRType, data: string): void {
  switch (type) {
    case "A":
      return w.u32(ipv4Value(data));
    case "AAAA":
      // Stored AAAA text is canonical (RFC 5952): parsed by hand, as packed names are; ipaddr.js otherwise.
      w.room(16);
      if (packAAAA(data, w.buf, w.pos)) {
        w.pos += 16;
        return;
      }
      return w.bytes(Uint8Array.from(ipaddr.IPv6.parse(data).toByteArray()));
    case "NS":
    case "CNAME":
    case "PTR":
      return w.name(data);
    case "MX": {
      const [pref, ex] = data.split(" ");
      w.u16(Number(pref));
      return w.name(ex);
    }
    case "SRV": {
      // RFC 2782: the SRV target is never compressed.
      const [prio, weight, port, target] = data.split(" ");
      w.u16(Number(prio));
      w.u16(Number(weight));
      w.u16(Number(port));
      return w.name(target, false);
    }
    case "SOA": {
      const s = soaFields(data);
      w.name(s.mname);
      w.name(s.rname);
      for (const v of [s.serial, s.refresh, s.retry, s.expire, s.minimum]) w.u32(v);
      return;
    }
    case "TXT":
      for (const s of charStrings(data)) {
        w.u8(s.length);
        w.bytes(s);
      }
      return;
    case "DS":
    case "CDS": {
      const p = data.split(" ");
      w.u16(Number(p[0]));
      w.u8(Number(p[1]));
      w.u8(Number(p[2]));
      return w.bytes(fromHex(p[3]));
    }
    case "DNSKEY":
    case "CDNSKEY": {
      const p = data.split(" ");
      w.u16(Number(p[0]));
      w.u8(Number(p[1]));
      w.u8(Number(p[2]));
      return w.bytes(fromBase64(p[3]));
    }
    case "RRSIG": {
      const p = data.split(" ");
      w.u16(typeCodeOf(p[0]));
      w.u8(Number(p[1]));
      w.u8(Number(p[2]));
      w.u32(Number(p[3]));
      w.u32(parseSigTime(p[4]));
      w.u32(parseSigTime(p[5]));
      w.u16(Number(p[6]));
      // RFC 4034 §3.1.7: the signer's name is never compressed.
      w.name(p[7], false);
      return w.bytes(fromBase64(p[8]));
    }
    case "NSEC": {
      const p = data.split(" ");
      // RFC 4034 §4.1.1: the next name is never compressed.
      w.name(p[0], false);
      return w.bytes(encodeTypeBitmap(p.slice(1).map(typeCodeOf)));
    }
    case "NSEC3":
    case "NSEC3PARAM": {
      const p = data.split(" ");
      w.u8(Number(p[0]));
      w.u8(Number(p[1]));
      w.u16(Number(p[2]));
      const sl = p[3] === "-" ? new Uint8Array(0) : fromHex(p[3]);
      w.u8(sl.length);
      w.bytes(sl);
      if (type === "NSEC3PARAM") return;
      const next = fromBase32hex(p[4]);
      w.u8(next.length);
      w.bytes(next);
      return w.bytes(encodeTypeBitmap(p.slice(5).map(typeCodeOf)));
    }
    case "CAA": {
      const sp1 = data.indexOf(" ");
      const sp2 = data.indexOf(" ", sp1 + 1);
      const tag = new TextEncoder().encode(data.slice(sp1 + 1, sp2));
      w.u8(Number(data.slice(0, sp1)));
      w.u8(tag.length);
      w.bytes(tag);
      return w.bytes(unescapeString(tokenize(data.slice(sp2 + 1))[0].text));
    }
    default:
      // The newer types' names are never compressed (RFC 3597 §4); canonical wire form (compress off)
      // lowercases only the names of the types RFC 4034 §6.2 lists (RFC 6840 §5.1).
      return w.bytes(otherWire(type, data, !w.compress));
  }
}

/**
 * Rdata in canonical wire form, for signing: names uncompressed and lower case (RFC 4034 §6.2), except the
 * next name of NSEC, which RFC 6840 §5.1 takes off that list (it is signed as it is served).
 */
export function canonicalWire(type: RRType, data: string): Uint8Array {
  // The set every address change signs: four octets, without a writer (its buffer, view and name map).
  if (type === "A") {
    const v = ipv4Value(data);
    return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  const w = new WireWriter(64);
  w.compress = false;
  w.lower = type !== "NSEC";
  writeRdata(w, type, data);
  return w.done();
}

// ---------- wire → canonical ----------

/** Canonical rdata of `type` from wire bytes msg[off, off+len). Throws RdataError on malformed rdata. */
export function readRdata(msg: Uint8Array, off: number, len: number, type: RRType): string {
  const end = off + len;
  if (end > msg.length) throw new RdataError("rdata runs past the end of the message");
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const nameAt = (o: number) => {
    let r: { name: string; next: number };
    try {
      r = readName(msg, o, true);
    } catch (e) {
      throw new RdataError((e as NameFormatError).message);
    }
    // Our names are plain text; a label needing escapes (a dot or a control byte inside) is refused.
    if (r.name.includes("\\")) throw new RdataError("name holds a byte we do not serve");
    if (r.next > end) throw new RdataError("name runs past the rdata");
    return r;
  };
  const exact = (o: number) => {
    if (o !== end) throw new RdataError(`${type} rdata has the wrong length`);
  };
  switch (type) {
    case "A":
      if (len !== 4) throw new RdataError("A rdata must be 4 octets");
      return Array.from(msg.subarray(off, end)).join(".");
    case "AAAA":
      if (len !== 16) throw new RdataError("AAAA rdata must be 16 octets");
      return ipaddr.fromByteArray(Array.from(msg.subarray(off, end))).toString();
    case "NS":
    case "CNAME":
    case "PTR": {
      const r = nameAt(off);
      exact(r.next);
      return dotted(r.name);
    }
    case "MX": {
      if (len < 3) throw new RdataError("MX rdata too short");
      const r = nameAt(off + 2);
      exact(r.next);
      return `${view.getUint16(off)} ${dotted(r.name)}`;
    }
    case "SRV": {
      if (len < 7) throw new RdataError("SRV rdata too short");
      const r = nameAt(off + 6);
      exact(r.next);
      return `${view.getUint16(off)} ${view.getUint16(off + 2)} ${view.getUint16(off + 4)} ${dotted(r.name)}`;
    }
    case "SOA": {
      const m = nameAt(off);
      const r = nameAt(m.next);
      if (r.next + 20 !== end) throw new RdataError("SOA rdata has the wrong length");
      const n = [0, 4, 8, 12, 16].map((i) => view.getUint32(r.next + i));
      return [dotted(m.name), dotted(r.name), ...n].join(" ");
    }
    case "TXT": {
      if (len === 0) throw new RdataError("TXT rdata is empty");
      const parts: string[] = [];
      let p = off;
      while (p < end) {
        const l = msg[p];
        if (p + 1 + l > end) throw new RdataError("TXT string runs past the rdata");
        parts.push(quoteString(msg.subarray(p + 1, p + 1 + l)));
        p += 1 + l;
      }
      return parts.join(" ");
    }
    case "DS":
    case "CDS":
      if (len < 5) throw new RdataError(`${type} rdata too short`);
      return `${view.getUint16(off)} ${msg[off + 2]} ${msg[off + 3]} ${toHex(msg.subarray(off + 4, end))}`;
    case "DNSKEY":
    case "CDNSKEY":
      if (len < 5) throw new RdataError(`${type} rdata too short`);
      return `${view.getUint16(off)} ${msg[off + 2]} ${msg[off + 3]} ${toBase64(msg.subarray(off + 4, end))}`;
    case "RRSIG": {
      if (len < 19) throw new RdataError("RRSIG rdata too short");
      const r = nameAt(off + 18);
      if (r.next >= end) throw new RdataError("RRSIG without a signature");
      const u32 = (o: number) => view.getUint32(off + o);
      return `${typeNameOf(view.getUint16(off))} ${msg[off + 2]} ${msg[off + 3]} ${u32(4)} ${sigTime(u32(8))} ${sigTime(u32(12))} ${view.getUint16(off + 16)} ${dotted(r.name)} ${toBase64(msg.subarray(r.next, end))}`;
    }
    case "NSEC": {
      const r = nameAt(off);
      const types = bytesOf(() => decodeTypeBitmap(msg.subarray(r.next, end)), "NSEC type bitmap");
      return [dotted(r.name), ...types.map(typeNameOf)].join(" ");
    }
    case "NSEC3":
    case "NSEC3PARAM": {
      if (len < 5) throw new RdataError(`${type} rdata too short`);
      const sl = msg[off + 4];
      let p = off + 5 + sl;
      if (p > end) throw new RdataError(`${type} salt runs past the rdata`);
      const head = `${msg[off]} ${msg[off + 1]} ${view.getUint16(off + 2)} ${sl ? toHex(msg.subarray(off + 5, p)) : "-"}`;
      if (type === "NSEC3PARAM") {
        exact(p);
        return head;
      }
      if (p >= end || p + 1 + msg[p] > end || msg[p] === 0) throw new RdataError("bad NSEC3 next hash");
      const next = base32hex(msg.subarray(p + 1, p + 1 + msg[p])).toUpperCase();
      p += 1 + msg[p];
      const types = bytesOf(() => decodeTypeBitmap(msg.subarray(p, end)), "NSEC3 type bitmap");
      return [`${head} ${next}`, ...types.map(typeNameOf)].join(" ");
    }
    case "CAA": {
      if (len < 2) throw new RdataError("CAA rdata too short");
      const tl = msg[off + 1];
      if (tl < 1 || tl > 15 || off + 2 + tl > end) throw new RdataError("bad CAA tag length");
      const tag = new TextDecoder().decode(msg.subarray(off + 2, off + 2 + tl));
      if (!/^[A-Za-z0-9]+$/.test(tag)) throw new RdataError("bad CAA tag");
      return `${msg[off]} ${tag.toLowerCase()} ${quoteString(msg.subarray(off + 2 + tl, end))}`;
    }
    default: {
      const b = msg.subarray(off, end);
      const codec = CODECS[type];
      return codec ? codec.decode(b) : genericText(b);
    }
  }
}
