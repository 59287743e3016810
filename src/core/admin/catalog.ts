// The catalog zone's domain row (RFC 9432 catalogs are kept by dns/zone): like any embedded zone it has a
// row, so its records, serial and journal are stored as every zone's are, its transfer key is the one the
// operator named in [dns] catalog_transfer_key and its secondaries are [dns] catalog_secondaries.
import { eq } from "drizzle-orm";
import { domains, zoneSecondaries, type Db } from "../../db/index.ts";
import { validateServerAddress, type DomainRow } from "./domains.ts";
import { normalizeZoneName, ValidationError } from "./names.ts";
import { requireTsigKey } from "./tsig.ts";
import { checkNewZone } from "../zone-ownership.ts";

export interface CatalogSettings {
  /** [dns] catalog_zone */
  zone: string;
  /** [dns] catalog_transfer_key: the name of a TSIG key (`updns tsig add`). */
  transferKey: string;
  /** [dns] catalog_secondaries */
  secondaries: string[];
}

/**
 * Creates the catalog's domain row, or brings its key and secondaries in line with the configuration.
 * Refuses to run without a key: a catalog lists every zone, and is never transferred unsigned.
 */
export function ensureCatalogDomain(db: Db, s: CatalogSettings): DomainRow {
  const name = normalizeZoneName(s.zone, "dns.catalog_zone");
  if (!s.transferKey.trim())
    throw new ValidationError("dns.catalog_transfer_key", `dns.catalog_zone is set but dns.catalog_transfer_key is empty: name a TSIG key made with "updns tsig add" (the catalog is never transferred unsigned)`);
  const key = requireTsigKey(db, s.transferKey, "dns.catalog_transfer_key");
  const secondaries = [...new Set(s.secondaries.map((a) => validateServerAddress(a, "dns.catalog_secondaries")))];
  const existing = db.select().from(domains).where(eq(domains.name, name)).get();
  if (existing && existing.backend !== "embedded")
    throw new ValidationError("dns.catalog_zone", `dns.catalog_zone: ${name} is an rfc2136 zone here; name the catalog something else, e.g. catalog.invalid`);
  // A new catalog takes names like any zone: never a name inside, equal to or above another zone (the
  // operator's rights, so only the overlap and public-suffix rules apply), or it would shadow their answers.
  if (!existing && checkNewZone(db, { name, backend: "embedded", ownerId: null, by: "operator" }))
    throw new ValidationError("dns.catalog_zone", `dns.catalog_zone: ${name} would lie inside another zone of this server; name the catalog something else, e.g. catalog.invalid`);
  return db.transaction((tx) => {
    const row = existing
      ? tx.update(domains).set({ transferKeyId: key.id }).where(eq(domains.id, existing.id)).returning().get()
      : tx.insert(domains).values({ name, backend: "embedded", public: false, serialScheme: "unixtime", transferKeyId: key.id, comment: "catalog zone (RFC 9432) of the embedded zones" }).returning().get();
    tx.delete(zoneSecondaries).where(eq(zoneSecondaries.domainId, row.id)).run();
    for (const a of secondaries) tx.insert(zoneSecondaries).values({ domainId: row.id, address: a }).run();
    return row;
  });
}
