// Data types of the zone store: records, RRsets, changesets, zone settings. Names are absolute, in the
// case they were written (RFC 4343 §4), without the trailing dot ("www.example.org"; the root is "");
// snapshots find them by their lower-case form. Rdata is kept in canonical presentation form (see
// rdata.ts) so records store as text rows; rdataKey is what two records compare by.
import type { SigningKey } from "../dnssec/index.ts";
import type { SortedSet } from "./sortedset.ts";

/** The record types an embedded zone holds and users may change (DS: a signed child's delegation). */
export const ZONE_TYPES = [
  "SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "PTR", "DS",
  "HINFO", "RP", "LOC", "NAPTR", "CERT", "DNAME", "SSHFP", "TLSA", "SMIMEA", "OPENPGPKEY", "SVCB", "HTTPS", "URI",
] as const;
/** Record types only the signer writes (RFC 4034, RFC 5155, RFC 7344); never accepted from users. */
export const DNSSEC_TYPES = ["DNSKEY", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "CDS", "CDNSKEY"] as const;
/** A type with a mnemonic we know. */
export type KnownType = (typeof ZONE_TYPES)[number] | (typeof DNSSEC_TYPES)[number];
/** Any other type is held as opaque RFC 3597 rdata under its "TYPEnnn" name. */
export type GenericType = `TYPE${number}`;
export type RRType = KnownType | GenericType;

/** IANA type codes of every type we know by name (the server and the NSEC type bitmaps need the numbers). */
export const TYPE_CODE: Record<KnownType, number> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, RP: 17, AAAA: 28, LOC: 29, SRV: 33, NAPTR: 35,
  CERT: 37, DNAME: 39, DS: 43, SSHFP: 44, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52,
  SMIMEA: 53, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61, SVCB: 64, HTTPS: 65, URI: 256, CAA: 257,
};
const CODE_TYPE = new Map<number, KnownType>(Object.entries(TYPE_CODE).map(([k, v]) => [v, k as KnownType]));

/**
 * Codes refused as opaque rdata: 0, OPT and the meta/query range (RFC 6895 §3.1), and the obsolete types
 * whose rdata holds names that RFC 4034 §6.2 lowercases for signing — held opaque they would sign wrongly.
 */
const NOT_GENERIC = new Set([0, 3, 4, 7, 8, 9, 14, 18, 21, 24, 26, 30, 36, 38, 41]);

/** The code of a type we hold. */
export function typeCode(t: RRType): number {
  return TYPE_CODE[t as KnownType] ?? Number(t.slice(4));
}

/** The type name we hold records of `code` under: the mnemonic if we know one, else "TYPEnnn". */
export function rrTypeOf(code: number): RRType {
  return CODE_TYPE.get(code) ?? `TYPE${code}`;
}

/** Whether `t` is "TYPEnnn" for a code without a mnemonic here that may be held as opaque rdata. */
export function isGenericType(t: string): t is GenericType {
  const m = /^TYPE(\d{1,5})$/.exec(t);
  if (!m || String(Number(m[1])) !== m[1]) return false;
  const code = Number(m[1]);
  return code < 65536 && !CODE_TYPE.has(code) && !NOT_GENERIC.has(code) && !(code >= 128 && code <= 255);
}

/** Whether users may write this type (the DNSSEC types are the signer's). */
export function isZoneType(t: string): t is RRType {
  return (ZONE_TYPES as readonly string[]).includes(t) || isGenericType(t);
}

export function isDnssecType(t: string): boolean {
  return (DNSSEC_TYPES as readonly string[]).includes(t);
}

/** One resource record. `data` is canonical presentation rdata, names in it absolute with a trailing dot. */
export interface RR {
  readonly name: string;
  readonly type: RRType;
  readonly ttl: number;
  readonly data: string;
}

/** All records of one owner and type; RFC 2181 §5.2: one TTL for the whole set. */
export interface RRset {
  readonly name: string;
  readonly type: RRType;
  readonly ttl: number;
  /** Canonical rdata, sorted, no duplicates. */
  readonly data: readonly string[];
  /**
   * RRSIG rdata covering this set (signed zones only), sorted. Kept with the set rather than as an RRSIG
   * set of the owner: RFC 4034 §3 gives each signature the TTL of the set it covers, and a change to the
   * set drops them, so what needs signing is exactly what lost its signatures.
   */
  readonly sigs?: readonly string[];
}

/** How the SOA serial moves on each commit (RFC 1982 arithmetic either way). */
export type { SerialScheme } from "../wire/index.ts";
import type { SerialScheme } from "../wire/index.ts";

/** The SOA fields, as the apex record holds them. */
export type { SoaFields } from "../wire/index.ts";

/** A zone as storage hands it over at start. */
export interface StoredZone {
  name: string;
  serialScheme: SerialScheme;
  /** Every record of the zone, the apex SOA included (storage may read them as they are iterated, once). */
  records: Iterable<RR>;
}

/**
 * One committed change (Knot's changeset_t, RFC 1995's difference sequence): the old SOA is the first of
 * `removed`, the new SOA the first of `added`.
 */
export interface Changeset {
  zone: string;
  serialFrom: number;
  serialTo: number;
  removed: RR[];
  added: RR[];
  /** Unix milliseconds of the commit (journal trimming by age). */
  time: number;
}

/** A change the store refused: bad name, CNAME clash, protected apex record, ... */
export class ZoneError extends Error {
  constructor(
    message: string,
    /** Machine-readable reason, mapped to a DNS rcode or an HTTP status by callers. */
    readonly reason: "notzone" | "nozone" | "cname" | "apex" | "invalid" | "exists",
  ) {
    super(message);
    this.name = "ZoneError";
  }
}

// ---------- Signing: what the store, the signer and the key lifecycle share ----------


/** The lifecycle of a key (RFC 6781 §4.1.1 pre-publish for ZSKs, double-KSK for KSK/CSK rollovers). */
export type KeyState = "published" | "active" | "retired";
export type KeyRole = "csk" | "ksk" | "zsk";

/** A zone's key, unsealed, as the signer uses it. */
export interface ZoneKey {
  id: string;
  role: KeyRole;
  state: KeyState;
  /** Unix ms when the key entered its state. */
  since: number;
  key: SigningKey;
}

/** NSEC3 per RFC 9276 §3.1: SHA-1, no extra iterations, empty salt, no opt-out. NSEC on request. */
export type Denial = "nsec3" | "nsec";

export interface SigningPolicy {
  /** Signature validity (seconds), default 14 days. */
  validity: number;
  /** Renew signatures that expire within this many seconds (default 7 days: the job has a week). */
  refresh: number;
  /** Up to this many seconds are taken off each expiration at random, so renewals spread out (1 day). */
  jitter: number;
  /** Inception this far in the past, for clocks behind ours (1 hour). */
  inceptionOffset: number;
}

/** The zone's chain of denial records in order: NSEC3 hash labels or NSEC owner names. Immutable. */
export interface ChainIndex {
  kind: Denial;
  /** NSEC3: lower case base32hex hash labels (string order is hash order); NSEC: names in canonical order. */
  order: SortedSet;
}

/** The working copy of a zone inside a commit as the signer and the key records see it (the overlay). */
export interface SignView {
  readonly name: string;
  get(name: string, type: RRType): RRset | undefined;
  typesAt(name: string): RRType[];
  set(name: string, type: RRType, s: RRset | null): void;
}

/** How a signed zone is signed now. No keys: signed, but no master key here to sign with (changes refused). */
export interface ZoneSigning {
  readonly keys: readonly ZoneKey[];
  readonly denial: Denial;
}

/**
 * The port the store signs through (keys.ts implements it): the store asks which keys sign a zone when it
 * commits, and tells when a zone was loaded from storage or went away. It knows nothing of rollovers.
 */
export interface SigningKeys {
  /** The keys that sign `zone` now; undefined when it is not signed. */
  signingOf(zone: string): ZoneSigning | undefined;
  /** Whether storage holds keys of `zone` (start-up: a signed zone's names carry signatures, none pack). */
  hasStoredKeys(zone: string): Promise<boolean>;
  /** Take the keys of `zone` from storage again; `snapshot` is the zone as now loaded (undefined: gone). */
  load(zone: string, snapshot: { get(name: string, type: RRType): RRset | undefined; chain: ChainIndex | null } | undefined): Promise<void>;
  /** The zone is gone. */
  forget(zone: string): void;
  readonly policy: SigningPolicy;
  /** Randomness of the signature jitter (tests fix it). */
  readonly random?: () => number;
}

/**
 * Signer work on a zone queued as a commit of its own (keys.ts: a key rolled, signatures renewed). `apply`
 * writes the key records into the commit's working copy before it is signed.
 */
export interface SignerWork {
  /** Re-sign and rebuild everything (enabling, a key rolled in or out, the denial kind changed). */
  full?: boolean;
  /** Re-sign sets whose signatures expire within the policy's refresh time. */
  renew?: boolean;
  apply?: (view: SignView) => void;
}
