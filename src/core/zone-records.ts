// Static records of embedded zones as RRsets, for the JSON API. The rules on names, types and TTLs are the web
// UI's (domains-edit.ts checkStaticRecord: one rule set); the zone store does the DNS rules (CNAME stands
// alone, rdata syntax, the apex keeps its SOA and NS) in its transaction, and its refusals keep their reason
// here so the API can tell a clash (409) from bad data (400).
import type { Db } from "../db/index.ts";
import { ValidationError } from "./errors.ts";
import { checkStaticRecord, delegate, type ZoneEditor } from "./domains-edit.ts";
import type { DomainRow } from "./hosts.ts";
import type { ChangeOutcome } from "./ports.ts";
import { hostLabels } from "./access.ts";
import { canonicalCompare } from "../net/index.ts";

/** One RRset with its owner relative to the zone ("@" for the apex). */
export interface StaticRRset {
  name: string;
  fqdn: string;
  type: string;
  ttl: number;
  /** Presentation rdata, canonical (as dig prints it), sorted. */
  data: string[];
}

/**
 * The port over the zone store (backends/embedded EmbeddedZoneRecords, which is also the web UI's
 * ZoneEditor, domains-edit.ts). Owners are absolute names. Refusals are ZoneRecordError with the store's reason.
 */
export interface ZoneRecordStore {
  rrsets(zone: string): Promise<{ name: string; type: string; ttl: number; data: string[] }[]>;
  /** Make (owner, type) hold exactly `data` with `ttl`; [] deletes the RRset. (ZoneEditor.replace, with the outcome.) */
  replaceRRset(zone: string, owner: string, type: string, ttl: number, data: string[]): Promise<ChangeOutcome>;
  /** As ZoneEditor.dsOf: a signed zone's DS for its parent. */
  dsOf?(zone: string): string[];
}

import { ZoneRecordError, type ZoneRecordReason } from "./errors.ts";

export { ZoneRecordError, type ZoneRecordReason };

/** Types that are shown, never written here: the SOA is the server's, DNSSEC records the signer's. */
const SHOWN_ONLY = new Set(["SOA"]);
const DNSSEC = new Set(["DNSKEY", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "CDS", "CDNSKEY"]);

/** "@" or "" → apex; "www" → "www.zone"; an absolute "www.zone." is taken as it is, case kept (RFC 4343 §4). */
export function ownerName(zone: string, name: string): string {
  const n = name.trim();
  if (n === "@" || n === "" || n.toLowerCase() === `${zone}.`) return zone;
  if (n.endsWith(".")) return n.slice(0, -1);
  return `${n}.${zone}`;
}

export function relativeName(zone: string, owner: string): string {
  const lower = owner.toLowerCase();
  return lower === zone ? "@" : lower.endsWith(`.${zone}`) ? owner.slice(0, -zone.length - 1) : owner;
}

/** The host label an owner falls under (its label just left of the zone), or null for the apex. */
function hostLabelOf(zone: string, written: string): string | null {
  const owner = written.toLowerCase();
  if (owner === zone || !owner.endsWith(`.${zone}`)) return null;
  const rel = owner.slice(0, -zone.length - 1).split(".");
  return rel[rel.length - 1];
}

export class ZoneRecords {
  constructor(
    private readonly db: Db,
    private readonly store: ZoneRecordStore,
  ) {}

  /** The zone's RRsets (SOA and apex NS included, read-only for the SOA) except dynamic hosts' names and DNSSEC. */
  async list(domain: DomainRow): Promise<StaticRRset[]> {
    const labels = hostLabels(this.db, domain.id);
    const all = await this.store.rrsets(domain.name);
    return all
      .filter((r) => !DNSSEC.has(r.type))
      .filter((r) => {
        const label = hostLabelOf(domain.name, r.name);
        return label === null || !labels.has(label);
      })
      .map((r) => ({ name: relativeName(domain.name, r.name), fqdn: r.name, type: r.type, ttl: r.ttl, data: [...r.data].sort() }))
      .sort((a, b) => canonicalCompare(a.fqdn.toLowerCase(), b.fqdn.toLowerCase()) || (a.type < b.type ? -1 : 1));
  }

  async get(domain: DomainRow, name: string, type: string): Promise<StaticRRset | null> {
    const owner = ownerName(domain.name, name);
    return (await this.list(domain)).find((r) => r.fqdn.toLowerCase() === owner.toLowerCase() && r.type === type.toUpperCase()) ?? null;
  }

  /** Replace (or with `data` empty, delete) one RRset; the web UI's rules first, then the zone store's. */
  async replace(domain: DomainRow, name: string, type: string, ttl: number, data: string[]): Promise<ChangeOutcome> {
    const owner = ownerName(domain.name, name);
    if (owner.toLowerCase() !== domain.name && !owner.toLowerCase().endsWith(`.${domain.name}`)) throw new ZoneRecordError(`${owner} is not inside zone ${domain.name}`, "notzone", "name");
    if (SHOWN_ONLY.has(type.toUpperCase())) throw new ValidationError("type", "The SOA is kept by the server (its serial moves on every change).");
    const r = checkStaticRecord(this.db, domain, { name: relativeName(domain.name, owner), type, ttl });
    const outcome = await this.store.replaceRRset(domain.name, r.owner, r.type, r.ttl, data);
    // An address of one of the zone's own name servers is glue in the parent that delegates it.
    if (outcome === "changed" && (r.type === "A" || r.type === "AAAA")) await delegate(this.db, this.parentEditor(), domain);
    return outcome;
  }

  /** What a delegation needs of the zone store: replacing RRsets (in the parent) and the DS of a signed child. */
  private parentEditor(): ZoneEditor {
    const store = this.store;
    return {
      replace: async (zone, owner, type, ttl, data) => void (await store.replaceRRset(zone, owner, type, ttl, data)),
      create: async () => {},
      forget: async () => {},
      dsOf: store.dsOf?.bind(store),
    };
  }
}
