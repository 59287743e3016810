// Who may transfer a zone, who is told about changes, and who may UPDATE what — all plain data the
// integrator hands in (from config and the database).
import { inZone, type RRType } from "../zone/index.ts";
import { normalizeName } from "../wire/index.ts";
import { AddressSet } from "../../net/index.ts";

/** Per zone: transfer access (RFC 5936 §6: by TSIG key and/or address) and the secondaries to NOTIFY. */
export interface ZoneAcl {
  /** TSIG key names allowed to AXFR/IXFR. */
  transferKeys: string[];
  /** Addresses or CIDR prefixes allowed to AXFR/IXFR without a key ("127.0.0.1", "10.0.0.0/8", "::1"). */
  transferAddresses: string[];
  /** Secondaries to NOTIFY after each commit; `key` signs the NOTIFY (RFC 1996 + RFC 8945). */
  notify: { address: string; port: number; key?: string }[];
}

/** One update policy rule (BIND update-policy / Technitium style); the first matching rule decides. */
export interface UpdateRule {
  action: "grant" | "deny";
  /** TSIG key name the rule is for ("*" = any valid key). */
  key: string;
  /**
   * name: exactly `name`; subdomain: `name` and everything below; wildcard: `name` is a pattern like
   * "*.dyn.example.org" matching strictly below; zone: anything in the zone.
   */
  match: "name" | "subdomain" | "wildcard" | "zone";
  name: string;
  /** Types granted or denied; "ANY" = every type (SOA and apex NS stay protected anyway). */
  types: RRType[] | "ANY";
}

/** What the UPDATE handler asks for each record of the update section (RFC 2136 §3.3). */
export interface UpdateRequest {
  zone: string;
  /** Verified TSIG key name, lower case. */
  key: string;
  name: string;
  /** The record type touched; "ANY" for a delete-all-RRsets (class ANY, type ANY). */
  type: RRType | "ANY";
  address: string;
}

/** The policy hook: true grants the change. The integrator may wrap it (e.g. route dyndns-owned names). */
export type UpdatePolicy = (req: UpdateRequest) => boolean;

/** A policy from per-key rules; no matching rule = denied. */
export function policyFromRules(rules: UpdateRule[]): UpdatePolicy {
  const norm = rules.map((r) => ({ ...r, key: normalizeName(r.key), name: normalizeName(r.name) }));
  return (req) => {
    for (const r of norm) {
      if (r.key !== "*" && r.key !== req.key) continue;
      let hit = false;
      if (r.match === "name") hit = req.name === r.name;
      else if (r.match === "subdomain") hit = inZone(req.name, r.name);
      else if (r.match === "zone") hit = req.zone === r.name || r.name === "" ;
      else if (r.match === "wildcard") {
        const base = r.name.startsWith("*.") ? r.name.slice(2) : r.name;
        hit = req.name !== base && inZone(req.name, base);
      }
      if (!hit) continue;
      const typeHit = r.types === "ANY" || (req.type !== "ANY" && r.types.includes(req.type));
      if (!typeHit) continue;
      return r.action === "grant";
    }
    return false;
  };
}

/** Whether `address` is one of `list` (addresses or CIDR prefixes; IPv4-mapped IPv6 counts as IPv4). */
export function addressAllowed(address: string, list: string[]): boolean {
  return new AddressSet(list).contains(address);
}
