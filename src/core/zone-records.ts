// Static records of embedded zones (MX, CNAME, SRV, TXT, ... beside the dynamic hosts), as the JSON API and the
// web UI edit them. The zone store does the DNS rules (names inside the zone, CNAME exclusivity, the apex
// SOA/NS, rdata syntax) in its transaction; core adds the service's: the SOA is the server's, DNSSEC
// records are the signer's, and names below a dynamic host belong to that host's updates.
import type { ChangeOutcome } from "./ports.ts";
import type { DomainRow } from "./hosts.ts";

/** Types people may write as static records (the SOA is the server's; DNSSEC types the signer's). */
export const STATIC_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "PTR", "NS", "DS"] as const;

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
 * The port the embedded backend implements over the zone store. Owners are absolute names. Refusals are
 * ZoneRecordError with the store's reason.
 */
export interface ZoneRecordStore {
  rrsets(zone: string): Promise<{ name: string; type: string; ttl: number; data: string[] }[]>;
  /** Make (owner, type) hold exactly `data` with `ttl`; [] deletes the RRset. */
  replace(zone: string, owner: string, type: string, ttl: number, data: string[]): Promise<ChangeOutcome>;
}

export type ZoneRecordReason = "notzone" | "nozone" | "cname" | "apex" | "invalid" | "exists" | "dynamic" | "type";

export class ZoneRecordError extends Error {
  constructor(
    message: string,
    readonly reason: ZoneRecordReason,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ZoneRecordError";
  }
}

/** "@" or "" → apex; "www" → "www.zone"; an absolute "www.zone." is taken as it is. Lower case. */
export function ownerName(zone: string, name: string): string {
  const n = name.trim().toLowerCase();
  if (n === "@" || n === "" || n === `${zone}.`) return zone;
  if (n.endsWith(".")) return n.slice(0, -1);
  return `${n}.${zone}`;
}

export function relativeName(zone: string, owner: string): string {
  return owner === zone ? "@" : owner.endsWith(`.${zone}`) ? owner.slice(0, -zone.length - 1) : owner;
}

/** The host label an owner name falls under (its label just left of the zone), or null for the apex. */
function hostLabelOf(zone: string, owner: string): string | null {
  if (owner === zone || !owner.endsWith(`.${zone}`)) return null;
  const rel = owner.slice(0, -zone.length - 1).split(".");
  return rel[rel.length - 1];
}

export class ZoneRecords {
  constructor(private readonly store: ZoneRecordStore) {}

  /** The zone's RRsets except those of dynamic hosts and DNSSEC; sorted by name, then type. */
  async list(domain: DomainRow, hostLabels: Set<string>): Promise<StaticRRset[]> {
    const all = await this.store.rrsets(domain.name);
    return all
      .filter((r) => (STATIC_TYPES as readonly string[]).includes(r.type) || r.type === "SOA")
      .filter((r) => {
        const label = hostLabelOf(domain.name, r.name);
        return label === null || !hostLabels.has(label);
      })
      .map((r) => ({ name: relativeName(domain.name, r.name), fqdn: r.name, type: r.type, ttl: r.ttl, data: [...r.data].sort() }))
      .sort((a, b) => (a.fqdn === b.fqdn ? (a.type < b.type ? -1 : 1) : a.fqdn.split(".").reverse().join(".") < b.fqdn.split(".").reverse().join(".") ? -1 : 1));
  }

  async get(domain: DomainRow, hostLabels: Set<string>, name: string, type: string): Promise<StaticRRset | null> {
    const owner = ownerName(domain.name, name);
    return (await this.list(domain, hostLabels)).find((r) => r.fqdn === owner && r.type === type.toUpperCase()) ?? null;
  }

  /** Replace (or with `data` empty, delete) one RRset. */
  async replace(domain: DomainRow, hostLabels: Set<string>, name: string, type: string, ttl: number, data: string[]): Promise<ChangeOutcome> {
    const t = type.toUpperCase();
    if (!(STATIC_TYPES as readonly string[]).includes(t))
      throw new ZoneRecordError(t === "SOA" ? "the SOA is kept by the server (its serial moves on every change)" : `record type ${type} is not one of ${STATIC_TYPES.join(", ")}`, "type", "type");
    const owner = ownerName(domain.name, name);
    if (owner !== domain.name && !owner.endsWith(`.${domain.name}`)) throw new ZoneRecordError(`${owner} is not inside zone ${domain.name}`, "notzone", "name");
    const label = hostLabelOf(domain.name, owner);
    if (label !== null && hostLabels.has(label))
      throw new ZoneRecordError(`${owner} belongs to the dynamic host ${label}.${domain.name}: change it through the host (its addresses, related hosts or TXT)`, "dynamic", "name");
    if (!Number.isInteger(ttl) || ttl < domain.ttlMin || ttl > Math.max(domain.ttlMin, domain.ttlMax))
      throw new ZoneRecordError(`ttl must be a whole number from ${domain.ttlMin} to ${domain.ttlMax} in ${domain.name}`, "invalid", "ttl");
    return this.store.replace(domain.name, owner, t, ttl, data);
  }
}
