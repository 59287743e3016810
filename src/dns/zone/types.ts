// Data types of the zone store: records, RRsets, changesets, zone settings. Names are absolute, in the
// case they were written (RFC 4343 §4), without the trailing dot ("www.example.org"; the root is "");
// snapshots find them by their lower-case form. Rdata is kept in canonical presentation form (see
// rdata.ts) so records store as text rows; rdataKey is what two records compare by.

/** The record types an embedded zone holds and users may change (DS: a signed child's delegation). */
export const ZONE_TYPES = ["SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "PTR", "DS"] as const;
/** Record types only the signer writes (RFC 4034, RFC 5155, RFC 7344); never accepted from users. */
export const DNSSEC_TYPES = ["DNSKEY", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "CDS", "CDNSKEY"] as const;
export type RRType = (typeof ZONE_TYPES)[number] | (typeof DNSSEC_TYPES)[number];

/** Whether users may write this type (the DNSSEC types are the signer's). */
export function isZoneType(t: string): t is RRType {
  return (ZONE_TYPES as readonly string[]).includes(t);
}

export function isDnssecType(t: string): boolean {
  return (DNSSEC_TYPES as readonly string[]).includes(t);
}

/** IANA type codes of every type we hold (the server and the NSEC type bitmaps need the numbers). */
export const TYPE_CODE: Record<RRType, number> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, DS: 43, RRSIG: 46, NSEC: 47,
  DNSKEY: 48, NSEC3: 50, NSEC3PARAM: 51, CDS: 59, CDNSKEY: 60, CAA: 257,
};

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
export interface SoaFields {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

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
