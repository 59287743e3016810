// Domains (zones) as their owners manage them (spec §5.1 domain pages, updns.md §2–§3): add either kind,
// settings, a new TSIG secret (shown once), delete, and the static records of embedded zones. The zone
// store is reached through the ZoneEditor port, which main/serve provides.
import { and, asc, eq, ne, or } from "drizzle-orm";
import { domains, hosts, openColumn, sealColumn, tsigKeys, updatePolicies, users, zoneRecords, type Db } from "../db/index.ts";
import { addEmbeddedZone, addRfc2136Zone, listSecondaries, validateServerAddress, type DomainRow, type NewZoneRecords } from "./admin/index.ts";
import { normalizeCatalogGroup, normalizeKeyName, normalizeZoneName } from "./admin/index.ts";
import { ValidationError } from "./errors.ts";
import { createTsigKey, generateTsigSecret, inClear, normalizeAlgorithm, requireTsigKey, setTsigSecret, validateSecret, type TsigKeyRow } from "./admin/index.ts";
import { removeHostDns, type BackendFor } from "./dns-cleanup.ts";
import { hostOwnedNames } from "./hosts.ts";
import type { ZoneRef } from "./ports.ts";
import { checkNewZone, delegationOf, enclosingZone, recordsAtCut, requireNotDelegated, type DomainsAddPolicy, type ZoneCreator } from "./zone-ownership.ts";

/** Changes to embedded zones, through the zone store's one transaction (provided by main/serve). */
export interface ZoneEditor {
  /** Create the zone's SOA and NS records. */
  create(zone: NewZoneRecords): Promise<void>;
  /** Make (owner, type) hold exactly `data` (presentation rdata) with `ttl`; [] deletes. Throws on invalid rdata. */
  replace(zone: string, owner: string, type: string, ttl: number, data: string[]): Promise<void>;
  /** The domain row went: forget the zone. */
  forget(zone: string): Promise<void>;
  /** Keys, secondaries or zones changed in the database: reload what the DNS server derives from them. */
  reconfigure?(): void;
  /** The zone's group in the catalog zone (RFC 9432 §4.4.2), "" none; nothing when no catalog is kept. */
  setCatalogGroup?(zone: string, group: string): Promise<void>;
  /** The DS rdata a signed zone's parent should publish ([] when unsigned or asking for DS removal, RFC 8078 §4). */
  dsOf?(zone: string): string[];
}

/** The connectivity test of an rfc2136 zone (spec §4.4). */
export type ZoneCheck = (zone: ZoneRef) => Promise<{ ok: boolean; steps: { step: string; ok: boolean; message: string }[] }>;

export function ownedDomain(db: Db, userId: number, id: number): DomainRow | null {
  if (!Number.isSafeInteger(id)) return null;
  return db.select().from(domains).where(and(eq(domains.id, id), eq(domains.ownerId, userId))).get() ?? null;
}

/** The overview's domain list: own ones, then public ones of others (with the owner's name). */
export function visibleDomains(db: Db, userId: number): { domain: DomainRow; owner: string; own: boolean }[] {
  const rows = db
    .select({ domain: domains, owner: users.username })
    .from(domains)
    .leftJoin(users, eq(domains.ownerId, users.id))
    .where(or(eq(domains.ownerId, userId), eq(domains.public, true)))
    .orderBy(asc(domains.name))
    .all()
    .map((r) => ({ domain: r.domain, owner: r.owner ?? "", own: r.domain.ownerId === userId }));
  return [...rows.filter((r) => r.own), ...rows.filter((r) => !r.own)];
}

export interface NewDomainInput {
  name: string;
  ownerId: number;
  comment?: string;
  backend: "embedded" | "rfc2136";
  // embedded
  ns?: string[];
  secondaries?: string[];
  // rfc2136
  primary?: string;
  queryServer?: string;
  keyName?: string;
  algorithm?: string;
  /** rfc2136: the update key's secret (base64) the owner pasted; empty: one is generated. */
  secret?: string;
  /** Who adds it (default: the owner, without staff rights) and `[domains] add` (default "staff"). */
  by?: ZoneCreator;
  policy?: DomainsAddPolicy;
}

/** What a new domain's owner must see once: the TSIG key (rfc2136: the update key; embedded: the transfer key). */
export interface NewDomain {
  domain: DomainRow;
  key: { name: string; algorithm: string; secret: string };
}

/**
 * A new domain. rfc2136 zones start unavailable (spec §5.1: the owner configures the primary, then ticks
 * available, which runs the connectivity test); embedded zones are served at once. Either way a TSIG
 * secret is generated here and returned to be shown once.
 */
export async function addDomain(db: Db, editor: ZoneEditor | undefined, input: NewDomainInput): Promise<NewDomain> {
  const name = normalizeZoneName(input.name, "name");
  const by = input.by ?? { userId: input.ownerId, isStaff: false };
  const owner = { ownerId: input.ownerId, by, policy: input.policy };
  checkNewZone(db, { name, backend: input.backend, ...owner });
  const comment = (input.comment ?? "").trim();
  if (comment.length > 255) throw new ValidationError("comment", "At most 255 characters.");
  if (input.backend === "rfc2136") {
    if (!input.primary?.trim()) throw new ValidationError("primary", "The primary's address is required.");
    const algorithm = normalizeAlgorithm(input.algorithm || "hmac-sha512", "algorithm");
    const secret = input.secret?.trim() ? validateSecret(input.secret, "secret") : generateTsigSecret(algorithm);
    const d = addRfc2136Zone(db, { name, ...owner, primary: input.primary, queryServer: input.queryServer?.trim() || undefined, keyName: input.keyName?.trim() || undefined, algorithm, secret });
    db.update(domains).set({ available: false, comment }).where(eq(domains.id, d.id)).run();
    return { domain: { ...d, available: false, comment }, key: { name: d.updateKeyName, algorithm: d.updateKeyAlgorithm, secret } };
  }
  if (!editor) throw new ValidationError("backend", "This server has no embedded DNS server.");
  const keyName = `transfer.${name}`;
  if (db.select({ id: tsigKeys.id }).from(tsigKeys).where(eq(tsigKeys.name, keyName)).get()) throw new ValidationError("name", `a TSIG key named "${keyName}" already exists`);
  const secondaries = (input.secondaries ?? []).map((s) => s.trim()).filter(Boolean);
  secondaries.forEach((s) => validateServerAddress(s, "secondaries"));
  const ns = (input.ns ?? []).map((s) => s.trim()).filter(Boolean);
  ns.forEach((n) => normalizeZoneName(n, "ns"));
  const key = createTsigKey(db, { name: keyName, algorithm: "hmac-sha256", ownerId: input.ownerId });
  try {
    const d = await addEmbeddedZone(db, { name, ...owner, ns, secondaries, transferKey: keyName }, (z) => editor.create(z));
    db.update(domains).set({ comment }).where(eq(domains.id, d.id)).run();
    await delegateAround(db, editor, d);
    return { domain: { ...d, comment }, key: { name: key.name, algorithm: key.algorithm, secret: key.secret } };
  } catch (e) {
    db.delete(tsigKeys).where(eq(tsigKeys.id, key.id)).run();
    throw e;
  }
}

export function transferKeyOf(db: Db, d: DomainRow): TsigKeyRow | null {
  const k = d.transferKeyId ? db.select().from(tsigKeys).where(eq(tsigKeys.id, d.transferKeyId)).get() : undefined;
  return k ? inClear(db, k) : null;
}

export interface DomainSettings {
  comment: string;
  public: boolean;
  available: boolean;
  // rfc2136 only
  primary?: string;
  queryServer?: string;
  keyName?: string;
  algorithm?: string;
  /** Empty keeps the stored secret. */
  secret?: string;
  // embedded only; undefined keeps what is stored
  /** The TSIG key secondaries transfer with (and NOTIFYs are signed with); null: no transfer key. */
  transferKey?: string | null;
  /** TSIG keys granted RFC 2136 UPDATEs anywhere in the zone (added to the grants already there). */
  updateKeys?: string[];
  /** How the next SOA serial is proposed; it never goes backwards whatever the scheme. */
  serialScheme?: string;
  /** Its group in the catalog zone (RFC 9432 §4.4.2); "" or null: none. */
  catalogGroup?: string | null;
}

const SERIAL_SCHEMES = ["unixtime", "dateserial", "increment"] as const;

/** The embedded-only settings: transfer key, update grants, serial scheme (validated before anything is written). */
function embeddedSettings(db: Db, d: DomainRow, s: DomainSettings): { values: Partial<DomainRow>; grants: TsigKeyRow[] } {
  const values: Partial<DomainRow> = {};
  const given = s.transferKey !== undefined || s.updateKeys?.length || s.serialScheme !== undefined || s.catalogGroup !== undefined;
  if (!given) return { values, grants: [] };
  if (d.backend !== "embedded") throw new ValidationError("zone", `${d.name} is an rfc2136 zone: transfer key, update keys, serial scheme and catalog group are its primary's settings`);
  if (s.catalogGroup !== undefined) values.catalogGroup = normalizeCatalogGroup(s.catalogGroup ?? "");
  if (s.transferKey !== undefined) values.transferKeyId = s.transferKey === null ? null : requireTsigKey(db, s.transferKey, "transfer_key").id;
  if (s.serialScheme !== undefined) {
    const wanted = s.serialScheme;
    const schemes = SERIAL_SCHEMES.join(", ");
    const scheme = SERIAL_SCHEMES.find((x) => x === wanted);
    if (!scheme) throw new ValidationError("serial_scheme", `serial scheme "${wanted}" must be one of ${schemes}`);
    values.serialScheme = scheme;
  }
  const grants = (s.updateKeys ?? []).map((k) => requireTsigKey(db, k, "update_key"));
  return { values, grants };
}

/** Grant each key UPDATEs in the whole zone, as `domain add --update-key` does; a grant already there stays one. */
function grantUpdates(db: Db, d: DomainRow, keys: TsigKeyRow[]): void {
  for (const k of keys) {
    const has = db.select().from(updatePolicies).where(and(eq(updatePolicies.domainId, d.id), eq(updatePolicies.keyId, k.id), eq(updatePolicies.action, "grant"), eq(updatePolicies.match, "subdomain"), eq(updatePolicies.name, d.name))).get();
    if (!has) db.insert(updatePolicies).values({ keyId: k.id, domainId: d.id, action: "grant", match: "subdomain", name: d.name, types: "" }).run();
  }
}

/**
 * Stores a domain page's settings. rfc2136: ticking "available" runs the connectivity test first (spec
 * §5.1 domain_view); public needs available. Returns the test's steps when it ran. A new catalog group
 * goes to the catalog zone through `editor` once the row holds it (a server starting lists the groups the
 * rows hold, should that step fail).
 */
export async function updateDomain(db: Db, d: DomainRow, s: DomainSettings, check?: ZoneCheck, editor?: ZoneEditor) {
  const comment = s.comment.trim();
  if (comment.length > 255) throw new ValidationError("comment", "At most 255 characters.");
  if (s.public && !s.available) throw new ValidationError("public", "Domain must be available to be public.");
  const embedded = embeddedSettings(db, d, s);
  const values: Partial<DomainRow> = { comment, public: s.public, available: s.available, lastUpdate: new Date(), ...embedded.values };
  let steps: { step: string; ok: boolean; message: string }[] | undefined;
  if (d.backend === "rfc2136") {
    values.primary = validateServerAddress(s.primary ?? d.primary, "primary");
    values.queryServer = s.queryServer?.trim() ? validateServerAddress(s.queryServer, "query_server") : "";
    values.updateKeyName = s.keyName?.trim() ? normalizeKeyName(s.keyName, "key_name") : d.name;
    values.updateKeyAlgorithm = normalizeAlgorithm(s.algorithm || d.updateKeyAlgorithm, "algorithm");
    const secret = s.secret?.trim() ? validateSecret(s.secret, "secret") : openColumn(db, d.updateKeySecret, "domains.update_key_secret");
    values.updateKeySecret = s.secret?.trim() ? sealColumn(db, secret, "domains.update_key_secret") : d.updateKeySecret;
    if (s.available && check) {
      const r = await check({ id: d.id, name: d.name, backend: "rfc2136", primary: values.primary, queryServer: values.queryServer || undefined, updateKey: { name: values.updateKeyName, algorithm: values.updateKeyAlgorithm, secret } });
      steps = r.steps;
      if (!r.ok) throw Object.assign(new ValidationError("available", "The connectivity test failed: the domain stays unavailable."), { steps });
    }
  }
  // One SQLite connection: the grants are written inside the same transaction as the settings.
  db.transaction(() => {
    db.update(domains).set(values).where(eq(domains.id, d.id)).run();
    grantUpdates(db, d, embedded.grants);
  });
  const group = embedded.values.catalogGroup;
  if (group !== undefined && group !== d.catalogGroup) await editor?.setCatalogGroup?.(d.name, group);
  return steps;
}

/** A new TSIG secret: the update key (rfc2136) or the transfer key (embedded). Returned to be shown once. */
export function regenerateDomainKey(db: Db, d: DomainRow): { name: string; algorithm: string; secret: string } {
  if (d.backend === "rfc2136") {
    const secret = generateTsigSecret(d.updateKeyAlgorithm);
    db.update(domains).set({ updateKeySecret: sealColumn(db, secret, "domains.update_key_secret") }).where(eq(domains.id, d.id)).run();
    return { name: d.updateKeyName || d.name, algorithm: d.updateKeyAlgorithm, secret };
  }
  const key = transferKeyOf(db, d);
  if (!key) {
    const k = createTsigKey(db, { name: `transfer.${d.name}`, ownerId: d.ownerId ?? undefined });
    db.update(domains).set({ transferKeyId: k.id }).where(eq(domains.id, d.id)).run();
    return { name: k.name, algorithm: k.algorithm, secret: k.secret };
  }
  const secret = generateTsigSecret(key.algorithm);
  setTsigSecret(db, key.id, secret);
  return { name: key.name, algorithm: key.algorithm, secret };
}

/** Deletes a domain with its hosts; rfc2136 hosts' records are removed at the primary first. */
export async function deleteDomain(db: Db, backendFor: BackendFor | undefined, editor: ZoneEditor | undefined, d: DomainRow): Promise<string[]> {
  const errors: string[] = [];
  if (d.backend === "rfc2136" && backendFor) {
    for (const h of db.select({ id: hosts.id }).from(hosts).where(eq(hosts.domainId, d.id)).all()) errors.push(...(await removeHostDns(db, backendFor, h.id)));
  }
  const key = transferKeyOf(db, d);
  if (editor) await undelegate(db, editor, d);
  db.delete(domains).where(eq(domains.id, d.id)).run();
  if (key && key.name === `transfer.${d.name}`) db.delete(tsigKeys).where(eq(tsigKeys.id, key.id)).run();
  if (d.backend === "embedded") await editor?.forget(d.name);
  return errors;
}

// ---- delegations of child zones (zone-ownership.ts decides who may create them) ----

const GLUE_TYPES = new Set(["A", "AAAA"]);

/**
 * Makes the embedded parent of `child` (if any) delegate it: the NS RRset at the cut as the child's apex
 * says it, glue for name servers inside the child (RFC 1034 §4.2.1; stale glue goes) and the child's DS
 * when it is signed, so the chain of trust reaches it. When the parent is signed, the store signs the cut
 * as a delegation (the DS, or NSEC/NSEC3 proving there is none; RFC 4035 §2.2).
 */
export async function delegate(db: Db, editor: ZoneEditor, child: DomainRow): Promise<void> {
  const parent = enclosingZone(db, child.name);
  if (!parent || parent.backend !== "embedded" || child.backend !== "embedded") return;
  const want = delegationOf(db, child, parent);
  if (want.ns.length === 0) return;
  const keep = new Set(want.glue.map((g) => `${g.name}/${g.type}`));
  for (const r of recordsAtCut(db, parent, child.name)) {
    if (GLUE_TYPES.has(r.type) && !keep.has(`${r.name}/${r.type}`)) await editor.replace(parent.name, r.name, r.type, 0, []);
  }
  await editor.replace(parent.name, child.name, "NS", want.ttl, want.ns.map((n) => `${n}.`));
  for (const g of want.glue) await editor.replace(parent.name, g.name, g.type, g.ttl, g.data);
  if (editor.dsOf) await editor.replace(parent.name, child.name, "DS", want.ttl, editor.dsOf(child.name));
}

/** Removes what the parent held for `child`: the NS at the cut, its DS and the glue below. */
export async function undelegate(db: Db, editor: ZoneEditor, child: DomainRow): Promise<void> {
  const parent = enclosingZone(db, child.name);
  if (!parent || parent.backend !== "embedded") return;
  for (const r of recordsAtCut(db, parent, child.name)) {
    if (r.type === "NS" || r.type === "DS" || GLUE_TYPES.has(r.type)) await editor.replace(parent.name, r.name, r.type, 0, []);
  }
}

/** A new embedded zone: its parent delegates it, and it delegates the (same owner's) zones just below it. */
export async function delegateAround(db: Db, editor: ZoneEditor, d: DomainRow): Promise<void> {
  await delegate(db, editor, d);
  for (const below of db.select().from(domains).all()) {
    if (below.name.endsWith(`.${d.name}`) && enclosingZone(db, below.name)?.id === d.id) await delegate(db, editor, below);
  }
}

export { listSecondaries };

// ---- static records of embedded zones (updns.md §2) ----

export const STATIC_TYPES = [
  "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS", "PTR", "DS", "HINFO", "RP", "LOC", "NAPTR", "CERT", "DNAME",
  "SSHFP", "TLSA", "SMIMEA", "OPENPGPKEY", "SVCB", "HTTPS", "URI",
] as const;
/** RFC 3597 §5: any other type by number, its rdata as "\\# length hex" (the zone store checks the code). */
const GENERIC_TYPE = /^TYPE\d{1,5}$/;
export interface StaticRecord {
  /** Relative to the zone; "@" is the apex. */
  name: string;
  type: string;
  ttl: number;
  data: string;
}

const relative = (owner: string, zone: string) => (owner === zone ? "@" : owner.slice(0, -(zone.length + 1)));

/** The zone's records other than SOA, the apex NS and the hosts' dynamic names. */
export function staticRecords(db: Db, d: DomainRow): StaticRecord[] {
  const hostOwned = hostOwnedNames(db, d);
  return db
    .select()
    .from(zoneRecords)
    .where(and(eq(zoneRecords.domainId, d.id), ne(zoneRecords.type, "SOA")))
    .orderBy(asc(zoneRecords.name), asc(zoneRecords.type), asc(zoneRecords.data))
    .all()
    .filter((r) => !hostOwned(r.name))
    .map((r) => ({ name: relative(r.name, d.name), type: r.type, ttl: r.ttl, data: r.data }))
    .filter((r) => !(r.name === "@" && r.type === "NS"));
}

/** Validates one static RRset edit: name, type and TTL here; rdata by the zone store. */
export function checkStaticRecord(db: Db, d: DomainRow, input: { name: string; type: string; ttl: number }): { owner: string; type: string; ttl: number } {
  // The owner keeps the case it was typed in (RFC 4343 §4); the checks compare in lower case.
  const written = input.name.trim().replace(/\.$/, "") || "@";
  const name = written.toLowerCase();
  if (name !== "@" && !/^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(name))
    throw new ValidationError("name", "A name relative to the zone (letters, digits, - and _), or @ for the apex.");
  const type = input.type.trim().toUpperCase();
  if (!(STATIC_TYPES as readonly string[]).includes(type) && !GENERIC_TYPE.test(type)) throw new ValidationError("type", `One of ${STATIC_TYPES.join(", ")}.`);
  if (name === "@" && (type === "NS" || type === "CNAME")) throw new ValidationError("type", "The apex NS records come from the domain settings, and the apex cannot be a CNAME.");
  if (!Number.isInteger(input.ttl) || input.ttl < 0 || input.ttl > 2147483647) throw new ValidationError("ttl", "A TTL in seconds.");
  const owner = name === "@" ? d.name : `${name}.${d.name}`;
  if (hostOwnedNames(db, d)(owner)) throw new ValidationError("name", "This name belongs to a dynamic host.");
  requireNotDelegated(db, d.name, owner.replace(/^\*\./, ""), "name");
  return { owner: name === "@" ? d.name : `${written}.${d.name}`, type, ttl: input.ttl };
}

/** The apex NS names of an embedded zone (absolute, no trailing dot). */
export function apexNs(db: Db, d: DomainRow): string[] {
  return db
    .select({ data: zoneRecords.data })
    .from(zoneRecords)
    .where(and(eq(zoneRecords.domainId, d.id), eq(zoneRecords.name, d.name), eq(zoneRecords.type, "NS")))
    .all()
    .map((r) => r.data.replace(/\.$/, ""))
    .sort();
}

/** Replaces the apex NS RRset of an embedded zone (at least one name; the TTL of the old set is kept). */
export async function setApexNs(db: Db, editor: ZoneEditor, d: DomainRow, names: string[]): Promise<void> {
  const ns = [...new Set(names.map((n) => normalizeZoneName(n, "ns")))];
  if (ns.length === 0) throw new ValidationError("ns", "A zone needs at least one name server.");
  const ttl = db.select({ ttl: zoneRecords.ttl }).from(zoneRecords).where(and(eq(zoneRecords.domainId, d.id), eq(zoneRecords.name, d.name), eq(zoneRecords.type, "NS"))).get()?.ttl ?? 3600;
  try {
    await editor.replace(d.name, d.name, "NS", ttl, ns.map((n) => `${n}.`));
  } catch (e) {
    throw new ValidationError("ns", (e as Error).message);
  }
  await delegate(db, editor, d);
}

export async function setStaticRRset(db: Db, editor: ZoneEditor, d: DomainRow, input: { name: string; type: string; ttl: number; data: string[] }): Promise<void> {
  const r = checkStaticRecord(db, d, input);
  try {
    await editor.replace(d.name, r.owner, r.type, r.ttl, input.data.map((s) => s.trim()).filter(Boolean));
  } catch (e) {
    throw new ValidationError("data", (e as Error).message);
  }
  // An address of one of the zone's own name servers is glue in the parent.
  if (r.type === "A" || r.type === "AAAA") await delegate(db, editor, d);
}
