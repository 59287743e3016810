// Who may change which names of an embedded zone by RFC 2136 UPDATE (§3.3: the server's own policy decides).
// The rules are the zone owner's grants to TSIG keys (update_policies, BIND update-policy style: the first
// matching rule decides, no match is a denial) and the ACME grants, which only ever allow TXT at challenge
// names. dns/server asks the policy built here for every record of an UPDATE it received.
import { eq } from "drizzle-orm";
import { domains, tsigKeys, updatePolicies, type Db } from "../db/index.ts";
import { isAcmeChallengeName } from "./acme.ts";
import { canonicalName } from "./names.ts";

/** One record of a received UPDATE, as the DNS server asks about it. */
export interface UpdateGrantRequest {
  zone: string;
  /** The verified TSIG key's name, lower case. */
  key: string;
  name: string;
  /** The record type touched; "ANY" for a delete of every RRset at the name. */
  type: string;
  address: string;
}

/** True grants the change. */
export type UpdateGrant = (req: UpdateGrantRequest) => boolean;

export interface UpdateGrantRule {
  action: "grant" | "deny";
  /** TSIG key name the rule is for ("*" = any valid key). */
  key: string;
  /**
   * name: exactly `name`; subdomain: `name` and everything below; wildcard: `name` is a pattern like
   * "*.dyn.example.org" matching strictly below; zone: anything in the zone.
   */
  match: "name" | "subdomain" | "wildcard" | "zone";
  name: string;
  /** Types granted or denied; "ANY" = every type (the SOA and the apex NS stay protected by the server anyway). */
  types: string[] | "ANY";
}

/** An ACME key's grant: TXT at `_acme-challenge.<name>` and below `name`, in `zone`. */
export interface AcmeGrant {
  key: string;
  zone: string;
  name: string;
}

const within = (name: string, base: string) => base === "" || name === base || name.endsWith(`.${base}`);

/** A policy from per-key rules; the first matching rule decides, no matching rule = denied. */
export function policyFromRules(rules: UpdateGrantRule[]): UpdateGrant {
  const norm = rules.map((r) => ({ ...r, key: canonicalName(r.key), name: canonicalName(r.name), types: r.types === "ANY" ? r.types : r.types.map((t) => t.toUpperCase()) }));
  return (req) => {
    for (const r of norm) {
      if (r.key !== "*" && r.key !== req.key) continue;
      let hit = false;
      if (r.match === "name") hit = req.name === r.name;
      else if (r.match === "subdomain") hit = within(req.name, r.name);
      else if (r.match === "zone") hit = req.zone === r.name || r.name === "";
      else if (r.match === "wildcard") {
        const base = r.name.startsWith("*.") ? r.name.slice(2) : r.name;
        hit = req.name !== base && within(req.name, base);
      }
      if (!hit) continue;
      const typeHit = r.types === "ANY" || (req.type !== "ANY" && r.types.includes(req.type));
      if (!typeHit) continue;
      return r.action === "grant";
    }
    return false;
  };
}

/** The ACME grants first (TXT at challenge names only), then the owner's rules. */
export function grantsWithAcme(rules: UpdateGrantRule[], acme: AcmeGrant[]): UpdateGrant {
  const byRules = policyFromRules(rules);
  return (req) => acme.some((a) => a.key === req.key && a.zone === req.zone && req.type === "TXT" && isAcmeChallengeName(req.name, a.name)) || byRules(req);
}

/** The UPDATE policy of every embedded zone as the database holds it now; build it again after a change. */
export function updatePolicy(db: Db): UpdateGrant {
  const keyNames = new Map(db.select({ id: tsigKeys.id, name: tsigKeys.name }).from(tsigKeys).all().map((k) => [k.id, k.name]));
  const zoneNames = new Map(db.select({ id: domains.id, name: domains.name }).from(domains).where(eq(domains.backend, "embedded")).all().map((d) => [d.id, d.name]));
  const policies = db
    .select()
    .from(updatePolicies)
    .orderBy(updatePolicies.position, updatePolicies.id)
    .all()
    .filter((p) => zoneNames.has(p.domainId) && keyNames.has(p.keyId));
  const acme = policies.filter((p) => p.match === "acme" && p.action === "grant").map((p) => ({ key: keyNames.get(p.keyId)!, zone: zoneNames.get(p.domainId)!, name: p.name }));
  const rules = policies.flatMap((p): UpdateGrantRule[] => {
    if (p.match === "acme") return [];
    const types = p.types.split(",").map((t) => t.trim().toUpperCase()).filter(Boolean);
    return [{ action: p.action, key: keyNames.get(p.keyId)!, match: p.match, name: p.name, types: types.length === 0 ? "ANY" : types }];
  });
  return grantsWithAcme(rules, acme);
}
