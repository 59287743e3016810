// What the DNS server needs from the database, as the plain data dns/server takes: TSIG keys, per-zone
// transfer ACLs and NOTIFY targets. Rebuilt whenever the database changes. (Who may UPDATE what is core's
// rule: core's updatePolicy.)
import { eq } from "drizzle-orm";
import { domains, openColumn, tsigKeys, zoneSecondaries, type Db } from "../db/index.ts";
import { tsigKeyFromBase64, type TsigKey } from "../dns/wire/index.ts";
import type { ZoneAcl } from "../dns/server/index.ts";
import type { Logger } from "../log/index.ts";
import { splitHostPort } from "../net/index.ts";
import { canonicalName, isAcmeChallengeName } from "../core/index.ts";

export interface DnsConfig {
  keys: TsigKey[];
  acl: Record<string, ZoneAcl>;
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
  return { keys, acl };
}
