// Zones (domains) as the CLI and web UI create them: embedded (updns is the primary) or rfc2136 (updns
// sends UPDATEs to an external primary).
import { and, eq } from "drizzle-orm";
import { isIP } from "node:net";
import { domains, sealColumn, updatePolicies, zoneSecondaries, type Db } from "../../db/index.ts";
import { parseHostPort } from "../../net/index.ts";
import { checkNewZone, type DomainsAddPolicy, type ZoneCreator } from "../zone-ownership.ts";
import { normalizeCatalogGroup, normalizeKeyName, normalizeZoneName, ValidationError } from "./names.ts";
import { normalizeAlgorithm, requireTsigKey, validateSecret } from "./tsig.ts";

export type DomainRow = typeof domains.$inferSelect;

/** "ip", "ip:port" or "[v6]:port" → normalised text; throws naming the field. */
export function validateServerAddress(input: string, field: string): string {
  const s = input.trim();
  const hp = parseHostPort(s, { defaultPort: 53 });
  if ("problem" in hp || !isIP(hp.host))
    throw new ValidationError(field, `${field} "${input}" must be an IP address with an optional port: 192.0.2.1, 192.0.2.1:5353 or [2001:db8::1]:53`);
  return s;
}

export interface EmbeddedZoneInput extends ZoneCreation {
  name: string;
  ownerId?: number;
  public?: boolean;
  /** Name servers (absolute names) published as the apex NS RRset; the first is the SOA MNAME. */
  ns?: string[];
  secondaries?: string[];
  transferKey?: string;
  updateKey?: string;
  serialScheme?: DomainRow["serialScheme"];
  /** Its group in the catalog zone (RFC 9432 §4.4.2); blank: none. */
  catalogGroup?: string;
}

/** What the zone store needs to create the zone's SOA and NS records (core does not know DNS records). */
export interface NewZoneRecords {
  name: string;
  serialScheme: DomainRow["serialScheme"];
  soa: { mname: string; rname: string };
  ns: string[];
  /** Its group in the catalog zone, listed with it ("" none). */
  catalogGroup?: string;
}

/** Who creates a zone (default: the operator, with staff rights) and `[domains] add`. */
export interface ZoneCreation {
  by?: ZoneCreator;
  policy?: DomainsAddPolicy;
}

/**
 * The domain row (owner, keys, secondaries, update policy), then `createRecords` writes the zone itself
 * through the zone store. If that fails the row goes again, so no half-made zone stays behind.
 */
export async function addEmbeddedZone(db: Db, input: EmbeddedZoneInput, createRecords: (z: NewZoneRecords) => Promise<void>): Promise<DomainRow> {
  const name = normalizeZoneName(input.name);
  checkNewZone(db, { name, backend: "embedded", ownerId: input.ownerId ?? null, by: input.by ?? "operator", policy: input.policy });
  const ns = (input.ns?.length ? input.ns : [`ns1.${name}`]).map((n) => normalizeZoneName(n, "--ns"));
  const secondaries = (input.secondaries ?? []).map((s) => validateServerAddress(s, "--secondary"));
  const transferKey = input.transferKey ? requireTsigKey(db, input.transferKey, "--transfer-key") : undefined;
  const updateKey = input.updateKey ? requireTsigKey(db, input.updateKey, "--update-key") : undefined;
  const scheme = input.serialScheme ?? "unixtime";
  const catalogGroup = normalizeCatalogGroup(input.catalogGroup ?? "", "--catalog-group");
  const row = db.transaction((tx) => {
    const r = tx
      .insert(domains)
      .values({ name, backend: "embedded", ownerId: input.ownerId, public: Boolean(input.public), serialScheme: scheme, transferKeyId: transferKey?.id, catalogGroup })
      .returning()
      .get();
    for (const s of secondaries) tx.insert(zoneSecondaries).values({ domainId: r.id, address: s }).run();
    if (updateKey) tx.insert(updatePolicies).values({ keyId: updateKey.id, domainId: r.id, action: "grant", match: "subdomain", name, types: "" }).run();
    return r;
  });
  try {
    await createRecords({ name, serialScheme: scheme, soa: { mname: ns[0], rname: `hostmaster.${name}` }, ns, catalogGroup });
  } catch (e) {
    db.delete(domains).where(eq(domains.id, row.id)).run();
    throw e;
  }
  return db.select().from(domains).where(eq(domains.id, row.id)).get()!;
}

export interface Rfc2136ZoneInput extends ZoneCreation {
  name: string;
  ownerId?: number;
  public?: boolean;
  primary: string;
  queryServer?: string;
  keyName?: string;
  algorithm: string;
  secret: string;
}

export function addRfc2136Zone(db: Db, input: Rfc2136ZoneInput): DomainRow {
  const name = normalizeZoneName(input.name);
  checkNewZone(db, { name, backend: "rfc2136", ownerId: input.ownerId ?? null, by: input.by ?? "operator", policy: input.policy });
  return db
    .insert(domains)
    .values({
      name,
      backend: "rfc2136",
      ownerId: input.ownerId,
      public: Boolean(input.public),
      primary: validateServerAddress(input.primary, "--primary"),
      queryServer: input.queryServer ? validateServerAddress(input.queryServer, "--query-server") : "",
      // The baseline names the key like the zone (spec §4.1); updns lets the operator choose.
      updateKeyName: input.keyName ? normalizeKeyName(input.keyName, "--key-name") : name,
      updateKeyAlgorithm: normalizeAlgorithm(input.algorithm, "--algorithm"),
      updateKeySecret: sealColumn(db, validateSecret(input.secret, "--secret"), "domains.update_key_secret"),
    })
    .returning()
    .get();
}

export function requireDomain(db: Db, name: string): DomainRow {
  const d = db.select().from(domains).where(eq(domains.name, normalizeZoneName(name))).get();
  if (!d) throw new ValidationError("zone", `no domain named "${name}"`);
  return d;
}

export function listDomains(db: Db): DomainRow[] {
  return db.select().from(domains).orderBy(domains.name).all();
}

export function listSecondaries(db: Db, domainId: number) {
  return db.select().from(zoneSecondaries).where(eq(zoneSecondaries.domainId, domainId)).all();
}

export function removeDomain(db: Db, name: string): void {
  const d = requireDomain(db, name);
  db.delete(domains).where(and(eq(domains.id, d.id))).run();
}

/**
 * A secondary: told of every change by NOTIFY, transferring with the zone's transfer key. With
 * `allowUnsignedTransfer` it may also transfer without a key, from its address only (NSD's
 * `provide-xfr: IP NOKEY`) — an explicit opt-in, since anyone who can send from that address gets the zone.
 */
export function addSecondary(db: Db, zone: string, address: string, opts: { allowUnsignedTransfer?: boolean } = {}) {
  const d = requireDomain(db, zone);
  if (d.backend !== "embedded") throw new ValidationError("zone", `${d.name} is an rfc2136 zone: its secondaries are its primary's business`);
  const a = validateServerAddress(address, "secondary");
  if (listSecondaries(db, d.id).some((s) => s.address === a)) throw new ValidationError("secondary", `${a} is already a secondary of ${d.name}`);
  return db.insert(zoneSecondaries).values({ domainId: d.id, address: a, allowUnsignedTransfer: Boolean(opts.allowUnsignedTransfer) }).returning().get();
}

export function removeSecondary(db: Db, zone: string, address: string): void {
  const d = requireDomain(db, zone);
  const a = validateServerAddress(address, "secondary");
  const gone = db.delete(zoneSecondaries).where(and(eq(zoneSecondaries.domainId, d.id), eq(zoneSecondaries.address, a))).returning().all();
  if (gone.length === 0) throw new ValidationError("secondary", `${a} is not a secondary of ${d.name}`);
}
