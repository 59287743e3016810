// The catalog zone (RFC 9432) of a starting server: its domain row from [dns] catalog_zone, its key and
// secondaries, the zone itself when it is new, and its member list brought in line with the zones there are
// (zones added or removed while no server kept the catalog), with the groups the domain rows hold. From
// then on the zone store keeps it.
import type { Config } from "../config/index.ts";
import { domains, type Db } from "../db/index.ts";
import { ensureCatalogDomain } from "../core/index.ts";
import { catalogZoneDefinition, isCatalog, type ZoneStore } from "../dns/zone/index.ts";

export async function startCatalog(cfg: Config, db: Db, store: ZoneStore): Promise<string | null> {
  if (!cfg.dns.catalog_zone.trim()) return null;
  // Checked before the row is touched: an ordinary zone of that name keeps its key and secondaries.
  const existing = store.zone(cfg.dns.catalog_zone);
  if (existing && !isCatalog(existing))
    throw new Error(`dns.catalog_zone: ${existing.name} is an embedded zone of its own (it has no version.${existing.name} TXT "2"); name the catalog something else, e.g. catalog.invalid`);
  const row = ensureCatalogDomain(db, { zone: cfg.dns.catalog_zone, transferKey: cfg.dns.catalog_transfer_key, secondaries: cfg.dns.catalog_secondaries });
  const snap = store.zone(row.name);
  if (!snap) await store.createZone({ ...catalogZoneDefinition(row.name), serialScheme: "unixtime" });
  const groups = new Map(db.select({ name: domains.name, group: domains.catalogGroup }).from(domains).all().map((r) => [r.name, r.group]));
  await store.syncCatalog(groups);
  return row.name;
}
