// What the DNS server needs from the database, as the plain data dns/server takes: TSIG keys, per-zone
// transfer ACLs and NOTIFY targets, and the UPDATE policy rules. Rebuilt whenever the database changes.
import { eq } from "drizzle-orm";
import { domains, openColumn, tsigKeys, updatePolicies, zoneSecondaries, type Db } from "../db/index.ts";
import { tsigKeyFromBase64, type TsigKey } from "../dns/wire/index.ts";
import { policyFromRules, type UpdatePolicy, type UpdateRule, type ZoneAcl } from "../dns/server/index.ts";
import { isZoneType, type RRType } from "../dns/zone/index.ts";
import type { Logger } from "../log/index.ts";
import { splitHostPort } from "../net/index.ts";
import { canonicalName, isAcmeChallengeName } from "../core/index.ts";

export interface DnsConfig {
  keys: TsigKey[];
  acl: Record<string, ZoneAcl>;
  rules: UpdateRule[];
  /** Keys scoped to ACME DNS-01 (update_policies.match = "acme"): TXT at _acme-challenge.<name or below>. */
  acme: { key: string; zone: string; name: string }[];
}

/** "ip", "ip:port", "[v6]:port" → address and port (53 by default). */
export function splitServer(s: string): { address: string; port: number } {
  const { host, port } = splitHostPort(s, { defaultPort: 53 });
  return { address: host, port };
}

/**
 * `catalog`: the catalog zone ([dns] catalog_zone). Its secondaries serve every zone it lists, so its key
 * may transfer each of them and its secondaries get each one's NOTIFY (RFC 9432 §5: a consumer serves the
 * members from the primaries it has for the catalog).
 */
export function loadDnsConfig(db: Db, log: Logger, catalog = ""): DnsConfig {
  const keys: TsigKey[] = [];
  const keyNames = new Map<number, string>();
  for (const k of db.select().from(tsigKeys).all()) {
    keyNames.set(k.id, k.name);
    try {
      keys.push(tsigKeyFromBase64(k.name, k.algorithm, openColumn(db, k.secret, "tsig_keys.secret")));
    } catch (e) {
      // One broken key must not take the others down; it simply cannot be used.
      log.warn("unusable TSIG key", { key: k.name, error: (e as Error).message });
    }
  }
  const acl: Record<string, ZoneAcl> = {};
  const embedded = db.select().from(domains).where(eq(domains.backend, "embedded")).all();
  const secondaries = db.select().from(zoneSecondaries).all();
  const notifyOf = (domainId: number, key: string | undefined) => secondaries.filter((s) => s.domainId === domainId).map((s) => ({ ...splitServer(s.address), key }));
  const cat = catalog ? embedded.find((d) => d.name === canonicalName(catalog)) : undefined;
  const catalogKey = cat?.transferKeyId ? keyNames.get(cat.transferKeyId) : undefined;
  const catalogNotify = cat && catalogKey ? notifyOf(cat.id, catalogKey) : [];
  for (const d of embedded) {
    const transferKey = d.transferKeyId ? keyNames.get(d.transferKeyId) : undefined;
    const notify = notifyOf(d.id, transferKey);
    const member = catalogKey !== undefined && d.id !== cat!.id;
    for (const n of member ? catalogNotify : []) if (!notify.some((m) => m.address === n.address && m.port === n.port)) notify.push(n);
    acl[d.name] = {
      transferKeys: [...new Set([transferKey, member ? catalogKey : undefined].filter((k): k is string => Boolean(k)))],
      transferAddresses: [
        ...(d.transferAcl ? d.transferAcl.split(",").map((s) => s.trim()).filter(Boolean) : []),
        // Keyless transfers only from the address of a secondary that was explicitly opted in.
        ...secondaries.filter((s) => s.domainId === d.id && s.allowUnsignedTransfer).map((s) => splitServer(s.address).address),
      ],
      notify,
    };
  }
  const zoneNames = new Map(embedded.map((d) => [d.id, d.name]));
  const policies = db
    .select()
    .from(updatePolicies)
    .orderBy(updatePolicies.position, updatePolicies.id)
    .all()
    .filter((p) => zoneNames.has(p.domainId) && keyNames.has(p.keyId));
  const acme = policies.filter((p) => p.match === "acme" && p.action === "grant").map((p) => ({ key: keyNames.get(p.keyId)!, zone: zoneNames.get(p.domainId)!, name: p.name }));
  const rules: UpdateRule[] = policies
    .filter((p) => p.match !== "acme")
    .map((p) => ({ ...p, match: p.match as Exclude<typeof p.match, "acme"> }))
    .map((p) => {
      const types = p.types.split(",").map((t) => t.trim().toUpperCase()).filter(Boolean);
      return {
        action: p.action,
        key: keyNames.get(p.keyId)!,
        match: p.match,
        name: p.name,
        types: types.length === 0 ? "ANY" : (types.filter(isZoneType) as RRType[]),
      };
    });
  return { keys, acl, rules, acme };
}

/** The BIND-style rules, after the ACME grants: those only ever allow TXT at challenge names. */
export function updatePolicyOf(cfg: DnsConfig): UpdatePolicy {
  const rules = policyFromRules(cfg.rules);
  return (req) =>
    cfg.acme.some((a) => a.key === req.key && a.zone === req.zone && req.type === "TXT" && isAcmeChallengeName(req.name, a.name)) || rules(req);
}
