// TSIG (RFC 8945): HMAC signatures over raw DNS messages. Signing appends a TSIG record as the last
// additional record; verifying recomputes the MAC over the message as it was before the record was added
// (original ID, ARCOUNT minus one), so both sides must work on exact octets, never on re-encoded packets.
import { createHmac, timingSafeEqual } from "node:crypto";
import { encodeName, normalizeName, readName } from "./names.ts";
import { MessageFormatError, scanMessage } from "./scan.ts";

export type TsigAlgorithm = "hmac-md5" | "hmac-sha1" | "hmac-sha224" | "hmac-sha256" | "hmac-sha384" | "hmac-sha512";

export interface TsigKey {
  /** Key name, lower case, no trailing dot. */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Uint8Array;
}

export const TSIG_TYPE = 250;
const CLASS_ANY = 255;

/** TSIG error codes (RFC 8945 §3, IANA "DNS RCODEs"). */
export const TSIG_ERROR = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;
export type TsigErrorName = "BADSIG" | "BADKEY" | "BADTIME" | "BADTRUNC";

/** Default fudge: the window of ±300 s RFC 8945 §10 recommends. */
export const DEFAULT_FUDGE = 300;

/** Wire names of the algorithms (RFC 8945 §6), node:crypto digest names and output lengths. */
const ALGORITHMS: Record<TsigAlgorithm, { wire: string; digest: string; length: number }> = {
  "hmac-md5": { wire: "hmac-md5.sig-alg.reg.int", digest: "md5", length: 16 },
  "hmac-sha1": { wire: "hmac-sha1", digest: "sha1", length: 20 },
  "hmac-sha224": { wire: "hmac-sha224", digest: "sha224", length: 28 },
  "hmac-sha256": { wire: "hmac-sha256", digest: "sha256", length: 32 },
  "hmac-sha384": { wire: "hmac-sha384", digest: "sha384", length: 48 },
  "hmac-sha512": { wire: "hmac-sha512", digest: "sha512", length: 64 },
};

export const TSIG_ALGORITHMS = Object.keys(ALGORITHMS) as TsigAlgorithm[];

/** The algorithm's name as it appears in the TSIG record ("hmac-md5.sig-alg.reg.int" for md5). */
export function algorithmWireName(a: TsigAlgorithm): string {
  return ALGORITHMS[a].wire;
}

/** Full MAC length in octets of the algorithm. */
export function macLength(a: TsigAlgorithm): number {
  return ALGORITHMS[a].length;
}

/**
 * Shortest acceptable truncated MAC: the larger of 10 octets and half the hash length (RFC 8945
 * §5.2.2.1, rule 3).
 */
export function minimumMacLength(a: TsigAlgorithm): number {
  return Math.max(10, Math.ceil(ALGORITHMS[a].length / 2));
}

/**
 * Accepts the spellings people copy from BIND, Knot and dnspython: "hmac-sha256", "HMAC_SHA256",
 * "hmac-sha256.", "hmac-md5.sig-alg.reg.int". Truncation suffixes ("hmac-sha256-128") are not accepted.
 */
export function parseAlgorithm(s: string): TsigAlgorithm | null {
  let n = s.trim().toLowerCase().replace(/_/g, "-").replace(/\.$/, "");
  if (n === "hmac-md5.sig-alg.reg.int") n = "hmac-md5";
  if (!n.startsWith("hmac-")) n = "hmac-" + n;
  return n in ALGORITHMS ? (n as TsigAlgorithm) : null;
}

/** Build a key from its stored form; throws an Error naming what is wrong. */
export function tsigKeyFromBase64(name: string, algorithm: string, secretB64: string): TsigKey {
  const keyName = normalizeName(name);
  if (keyName === "") throw new Error("TSIG key name is empty");
  try {
    encodeName(keyName);
  } catch (e) {
    throw new Error(`TSIG key name "${name}" is not a valid domain name: ${(e as Error).message}`);
  }
  const alg = parseAlgorithm(algorithm);
  if (!alg) throw new Error(`TSIG algorithm "${algorithm}" is not supported (use one of ${TSIG_ALGORITHMS.join(", ")})`);
  const b64 = secretB64.trim();
  if (b64 === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 === 1)
    throw new Error(`TSIG secret of key "${keyName}" is not valid base64`);
  const secret = Uint8Array.from(Buffer.from(b64, "base64"));
  if (secret.length === 0) throw new Error(`TSIG secret of key "${keyName}" is empty`);
  return { name: keyName, algorithm: alg, secret };
}

/** A decoded TSIG record and where it sits in the message. */
export interface TsigRecord {
  /** Offset of the TSIG record's owner name: the unsigned message is wire[0 .. offset). */
  offset: number;
  keyName: string;
  /** Algorithm name as sent (lower case), e.g. "hmac-sha256" or "hmac-md5.sig-alg.reg.int". */
  algorithmName: string;
  timeSigned: number;
  fudge: number;
  mac: Uint8Array;
  originalId: number;
  error: number;
  otherData: Uint8Array;
}

/** Decode TSIG RDATA (RFC 8945 §4.2). Throws MessageFormatError when it does not fit. */
export function decodeTsigRdata(wire: Uint8Array, rdataOffset: number, rdlength: number) {
  const end = rdataOffset + rdlength;
  const { name: algorithmName, next } = readName(wire, rdataOffset);
  const dv = new DataView(wire.buffer, wire.byteOffset, wire.byteLength);
  let p = next;
  const need = (n: number) => {
    if (p + n > end) throw new MessageFormatError("TSIG record data is too short");
  };
  need(10);
  const timeSigned = dv.getUint16(p) * 2 ** 32 + dv.getUint32(p + 2);
  const fudge = dv.getUint16(p + 6);
  const macSize = dv.getUint16(p + 8);
  p += 10;
  need(macSize);
  const mac = wire.slice(p, p + macSize);
  p += macSize;
  need(6);
  const originalId = dv.getUint16(p);
  const error = dv.getUint16(p + 2);
  const otherLen = dv.getUint16(p + 4);
  p += 6;
  need(otherLen);
  const otherData = wire.slice(p, p + otherLen);
  p += otherLen;
  if (p !== end) throw new MessageFormatError("TSIG record data has trailing octets");
  return { algorithmName, timeSigned, fudge, mac, originalId, error, otherData };
}

/**
 * Locate the TSIG record. Null when the message carries none. Throws MessageFormatError when the
 * message is malformed or a TSIG record is anywhere but last in the additional section (RFC 8945 §5.1).
 */
export function findTsig(wire: Uint8Array): TsigRecord | null {
  const msg = scanMessage(wire);
  const idx = msg.records.findIndex((r) => r.type === TSIG_TYPE);
  if (idx < 0) return null;
  const rr = msg.records[idx];
  if (idx !== msg.records.length - 1 || rr.section !== "additional")
    throw new MessageFormatError("TSIG record is not the last record of the additional section");
  if (rr.class !== CLASS_ANY || rr.ttl !== 0) throw new MessageFormatError("TSIG record must have class ANY and TTL 0");
  return { offset: rr.offset, keyName: rr.name, ...decodeTsigRdata(wire, rr.rdataOffset, rr.rdlength) };
}

function u16(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}
function u32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}
function u48(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 48) throw new RangeError(`TSIG time ${n} is not a 48-bit integer`);
  return Uint8Array.of(...u16(Math.floor(n / 2 ** 32)), ...u32(n % 2 ** 32));
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

interface Variables {
  keyName: string;
  algorithm: TsigAlgorithm;
  algorithmName?: string;
  time: number;
  fudge: number;
  error: number;
  otherData: Uint8Array;
  timersOnly: boolean;
}

/** TSIG variables of the digest (RFC 8945 §4.3.3), or the timers alone for later messages (§5.3.1). */
function digestVariables(v: Variables): Uint8Array {
  const timers = concat([u48(v.time), u16(v.fudge)]);
  if (v.timersOnly) return timers;
  return concat([
    encodeName(v.keyName),
    u16(CLASS_ANY),
    u32(0),
    encodeName(v.algorithmName ?? ALGORITHMS[v.algorithm].wire),
    timers,
    u16(v.error),
    u16(v.otherData.length),
    v.otherData,
  ]);
}

/** HMAC over: [request or prior MAC with its size] + message(s) + variables. */
function computeMac(key: TsigKey, chainMac: Uint8Array | undefined, messages: Uint8Array[], vars: Uint8Array): Uint8Array {
  const h = createHmac(ALGORITHMS[key.algorithm].digest, key.secret);
  if (chainMac) {
    h.update(u16(chainMac.length));
    h.update(chainMac);
  }
  for (const m of messages) h.update(m);
  h.update(vars);
  return new Uint8Array(h.digest());
}

export interface SignOptions {
  /** Seconds since the epoch; default now. */
  time?: number;
  fudge?: number;
  /** MAC of the request this message answers (RFC 8945 §4.3.1). */
  requestMac?: Uint8Array;
  /** MAC of the previous signed message of a multi-message answer (§5.3.1). */
  priorMac?: Uint8Array;
  /** Unsigned messages sent since the previous signed one (§5.3.1); they enter the digest before this one. */
  intermediate?: Uint8Array[];
  /** Digest only the timers (later messages of a multi-message answer, §5.3.1). */
  timersOnly?: boolean;
  error?: number;
  otherData?: Uint8Array;
  /** Send a MAC truncated to this many octets (§5.2.2.1); must be ≥ minimumMacLength. */
  macSize?: number;
}

/** Append a TSIG record to a complete message (ARCOUNT incremented). Returns the full MAC as well. */
export function signMessage(message: Uint8Array, key: TsigKey, opts: SignOptions = {}): { wire: Uint8Array; mac: Uint8Array } {
  if (message.length < 12) throw new Error("cannot sign: message shorter than a DNS header");
  const time = opts.time ?? Math.floor(Date.now() / 1000);
  const fudge = opts.fudge ?? DEFAULT_FUDGE;
  const error = opts.error ?? 0;
  const otherData = opts.otherData ?? new Uint8Array(0);
  const vars = digestVariables({ keyName: key.name, algorithm: key.algorithm, time, fudge, error, otherData, timersOnly: !!opts.timersOnly });
  const full = computeMac(key, opts.requestMac ?? opts.priorMac, [...(opts.intermediate ?? []), message], vars);
  let mac = full;
  if (opts.macSize !== undefined) {
    if (opts.macSize > full.length || opts.macSize < minimumMacLength(key.algorithm))
      throw new Error(`MAC size ${opts.macSize} outside ${minimumMacLength(key.algorithm)}..${full.length} for ${key.algorithm}`);
    mac = full.slice(0, opts.macSize);
  }
  const wire = appendTsig(message, key.name, ALGORITHMS[key.algorithm].wire, { time, fudge, mac, error, otherData });
  return { wire, mac };
}

/**
 * Append a TSIG record with the given fields and no computation. Used for the unsigned error answers
 * of RFC 8945 §5.3.2 (BADKEY, BADSIG: MAC size 0) and by signMessage.
 */
export function appendTsig(
  message: Uint8Array,
  keyName: string,
  algorithmName: string,
  f: { time: number; fudge: number; mac: Uint8Array; error: number; otherData?: Uint8Array },
): Uint8Array {
  const id = (message[0] << 8) | message[1];
  const otherData = f.otherData ?? new Uint8Array(0);
  const rdata = concat([
    encodeName(algorithmName),
    u48(f.time),
    u16(f.fudge),
    u16(f.mac.length),
    f.mac,
    u16(id),
    u16(f.error),
    u16(otherData.length),
    otherData,
  ]);
  const rr = concat([encodeName(keyName), u16(TSIG_TYPE), u16(CLASS_ANY), u32(0), u16(rdata.length), rdata]);
  const out = concat([message, rr]);
  const arcount = ((out[10] << 8) | out[11]) + 1;
  if (arcount > 0xffff) throw new Error("cannot sign: additional section is full");
  out[10] = arcount >> 8;
  out[11] = arcount & 0xff;
  return out;
}

/** Convenience for an RFC 8945 §5.3.2 answer that cannot be signed (unknown key or bad MAC). */
export function appendUnsignedTsigError(message: Uint8Array, keyName: string, algorithmName: string, error: number, time: number, fudge = DEFAULT_FUDGE): Uint8Array {
  return appendTsig(message, keyName, algorithmName, { time, fudge, mac: new Uint8Array(0), error });
}

export type TsigVerifyResult =
  | {
      ok: true;
      key: TsigKey;
      /** The MAC as received (possibly truncated): the request MAC for the response, the prior MAC for the next message. */
      mac: Uint8Array;
      time: number;
      fudge: number;
      /** Message without the TSIG record, ARCOUNT fixed, original ID restored. */
      unsigned: Uint8Array;
    }
  | {
      ok: false;
      rcode: TsigErrorName | "FORMERR";
      keyName?: string;
      algorithm?: string;
      /** The received MAC when the MAC itself was fine (BADTIME, BADTRUNC): a server signs its error answer with it. */
      mac?: Uint8Array;
      time?: number;
      /** True when the other side put this error in its TSIG record (a response telling us what went wrong). */
      fromPeer?: boolean;
      message: string;
    };

export interface VerifyOptions {
  requestMac?: Uint8Array;
  priorMac?: Uint8Array;
  /** Unsigned messages received since the previous signed one (§5.3.1). */
  intermediate?: Uint8Array[];
  timersOnly?: boolean;
  /** Our clock, seconds since the epoch; default now. */
  now?: number;
  /** Local policy (§5.2.4): refuse MACs shorter than this with BADTRUNC. Default: any length the RFC allows. */
  minMacSize?: number;
}

function errorName(code: number): TsigErrorName | null {
  for (const [k, v] of Object.entries(TSIG_ERROR)) if (v === code && k !== "NOERROR") return k as TsigErrorName;
  return null;
}

/**
 * Verify the TSIG record of `wire` in the order of RFC 8945 §5.2: key (BADKEY), MAC (FORMERR for an
 * impossible size, BADSIG), time (BADTIME), truncation policy (BADTRUNC). A valid response that carries a
 * TSIG error from the other side is reported as that error with fromPeer = true.
 */
export function verifyMessage(wire: Uint8Array, lookupKey: (name: string) => TsigKey | undefined, opts: VerifyOptions = {}): TsigVerifyResult {
  let t: TsigRecord | null;
  try {
    t = findTsig(wire);
  } catch (e) {
    return { ok: false, rcode: "FORMERR", message: `malformed message: ${(e as Error).message}` };
  }
  if (!t) return { ok: false, rcode: "FORMERR", message: "message carries no TSIG record" };
  const base = { keyName: t.keyName, algorithm: t.algorithmName, time: t.timeSigned };
  const alg = parseAlgorithm(t.algorithmName);
  const key = lookupKey(t.keyName);
  if (!alg) return { ok: false, rcode: "BADKEY", ...base, message: `unknown TSIG algorithm "${t.algorithmName}"` };
  if (!key) return { ok: false, rcode: "BADKEY", ...base, message: `unknown TSIG key "${t.keyName}"` };
  if (key.algorithm !== alg)
    return { ok: false, rcode: "BADKEY", ...base, message: `TSIG key "${t.keyName}" is ${key.algorithm}, message uses ${alg}` };

  // An error answer that could not be signed (§5.3.2) carries MAC size 0: report what the peer said.
  const peerError = errorName(t.error);
  if (t.mac.length === 0 && t.error !== 0)
    return { ok: false, rcode: peerError ?? "FORMERR", ...base, fromPeer: true, message: `the other side answered ${peerError ?? "TSIG error " + t.error} (unsigned)` };

  const full = macLength(alg);
  if (t.mac.length > full) return { ok: false, rcode: "FORMERR", ...base, message: `MAC of ${t.mac.length} octets is longer than ${alg} produces` };
  if (t.mac.length < minimumMacLength(alg))
    return { ok: false, rcode: "FORMERR", ...base, message: `MAC of ${t.mac.length} octets is shorter than the minimum ${minimumMacLength(alg)} for ${alg}` };

  const unsigned = wire.slice(0, t.offset);
  unsigned[0] = t.originalId >> 8;
  unsigned[1] = t.originalId & 0xff;
  const arcount = ((unsigned[10] << 8) | unsigned[11]) - 1;
  unsigned[10] = arcount >> 8;
  unsigned[11] = arcount & 0xff;
  const vars = digestVariables({
    keyName: t.keyName,
    algorithm: alg,
    algorithmName: t.algorithmName,
    time: t.timeSigned,
    fudge: t.fudge,
    error: t.error,
    otherData: t.otherData,
    timersOnly: !!opts.timersOnly,
  });
  const expected = computeMac(key, opts.requestMac ?? opts.priorMac, [...(opts.intermediate ?? []), unsigned], vars).subarray(0, t.mac.length);
  if (!timingSafeEqual(expected, t.mac)) return { ok: false, rcode: "BADSIG", ...base, message: `MAC does not verify with key "${t.keyName}"` };

  if (t.error !== 0)
    return {
      ok: false,
      rcode: peerError ?? "FORMERR",
      ...base,
      mac: t.mac,
      fromPeer: true,
      message: `the other side answered ${peerError ?? "TSIG error " + t.error}` + (t.error === TSIG_ERROR.BADTIME && t.otherData.length === 6 ? ` (its clock: ${new Date(readU48(t.otherData) * 1000).toISOString()})` : ""),
    };

  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t.timeSigned) > t.fudge)
    return { ok: false, rcode: "BADTIME", ...base, mac: t.mac, message: `time signed ${new Date(t.timeSigned * 1000).toISOString()} is more than ${t.fudge} s from our clock ${new Date(now * 1000).toISOString()}` };

  if (opts.minMacSize !== undefined && t.mac.length < Math.min(opts.minMacSize, full))
    return { ok: false, rcode: "BADTRUNC", ...base, mac: t.mac, message: `MAC truncated to ${t.mac.length} octets, local policy wants ${opts.minMacSize}` };

  return { ok: true, key, mac: t.mac, time: t.timeSigned, fudge: t.fudge, unsigned };
}

function readU48(b: Uint8Array): number {
  return ((b[0] << 8) | b[1]) * 2 ** 32 + (((b[2] << 24) | (b[3] << 16) | (b[4] << 8) | b[5]) >>> 0);
}

/** Server time for the Other Data of a BADTIME answer (RFC 8945 §5.2.3). */
export function badTimeOtherData(now: number): Uint8Array {
  return u48(now);
}

/**
 * Signs the messages of a multi-message answer such as AXFR (RFC 8945 §5.3.1): the first with the
 * request MAC and full variables; later ones chain the prior MAC and digest the timers only. At most
 * `every` messages (≤ 100) go out between signatures; the caller says which message is the last, which
 * is always signed.
 */
export class TsigStreamSigner {
  private priorMac: Uint8Array | undefined;
  private pending: Uint8Array[] = [];
  private first = true;
  constructor(
    private readonly key: TsigKey,
    private readonly requestMac: Uint8Array | undefined,
    private readonly opts: { every?: number; fudge?: number; now?: () => number } = {},
  ) {}

  /** Returns the octets to send: signed, or as given when this message may go out unsigned. */
  next(message: Uint8Array, last: boolean): Uint8Array {
    const every = Math.min(this.opts.every ?? 100, 100);
    if (!this.first && !last && this.pending.length + 1 < every) {
      this.pending.push(message);
      return message;
    }
    const time = this.opts.now ? this.opts.now() : Math.floor(Date.now() / 1000);
    const { wire, mac } = this.first
      ? signMessage(message, this.key, { time, fudge: this.opts.fudge, requestMac: this.requestMac })
      : signMessage(message, this.key, { time, fudge: this.opts.fudge, priorMac: this.priorMac, intermediate: this.pending, timersOnly: true });
    this.first = false;
    this.priorMac = mac;
    this.pending = [];
    return wire;
  }
}

/**
 * Verifies a multi-message answer (RFC 8945 §5.3.1): the first message must be signed, then at least
 * one in every 100; unsigned messages in between enter the next digest. Call finish() after the last
 * message: an unsigned last message is an error.
 */
export class TsigStreamVerifier {
  private priorMac: Uint8Array | undefined;
  private pending: Uint8Array[] = [];
  private first = true;
  constructor(
    private readonly key: TsigKey,
    private readonly requestMac: Uint8Array | undefined,
    private readonly opts: { now?: () => number } = {},
  ) {}

  /** Returns the verify result for signed messages, or {ok: true, unsigned} for an allowed unsigned one. */
  next(wire: Uint8Array): TsigVerifyResult | { ok: true; unsignedMessage: true; unsigned: Uint8Array } {
    let t: TsigRecord | null;
    try {
      t = findTsig(wire);
    } catch (e) {
      return { ok: false, rcode: "FORMERR", message: `malformed message: ${(e as Error).message}` };
    }
    if (!t) {
      if (this.first) return { ok: false, rcode: "FORMERR", message: "first message of the answer is not signed" };
      if (this.pending.length >= 99) return { ok: false, rcode: "FORMERR", message: "more than 99 unsigned messages in a row" };
      this.pending.push(wire);
      return { ok: true, unsignedMessage: true, unsigned: wire };
    }
    const lookup = (n: string) => (normalizeName(n) === this.key.name ? this.key : undefined);
    const now = this.opts.now ? this.opts.now() : undefined;
    const r = this.first
      ? verifyMessage(wire, lookup, { requestMac: this.requestMac, now })
      : verifyMessage(wire, lookup, { priorMac: this.priorMac, intermediate: this.pending, timersOnly: true, now });
    if (r.ok) {
      this.first = false;
      this.priorMac = r.mac;
      this.pending = [];
    }
    return r;
  }

  /** Error text when the stream ended on unsigned messages, else null. */
  finish(): string | null {
    if (this.first) return "no signed message received";
    return this.pending.length > 0 ? `the last ${this.pending.length} message(s) of the answer are not signed` : null;
  }
}
