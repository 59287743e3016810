// Who may own which names. One account's zone may not be equal to, inside or above another account's zone,
// and nobody may take a public suffix (co.uk, github.io: names under which unrelated parties register).
// A zone inside an embedded zone is a child zone: the parent's owner or staff may create it, and the parent
// then delegates it (NS and glue at the cut, RFC 1034 §4.2.1), so resolvers and the parent's secondaries
// are sent on to the child. Every path that creates a zone (web, API, CLI, zone import, nsupdate.info
// import) asks checkNewZone first; hosts and static records ask nameHiddenByChildZone.
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { parse } from "tldts";
import { domains, hosts, zoneRecords, type Db } from "../db/index.ts";
import { ValidationError } from "./errors.ts";
import { canonicalName } from "./names.ts";

type DomainRow = typeof domains.$inferSelect;

/** Who creates the zone: a signed-in account (web, API) or the operator (CLI, imports: staff rights). */
export type ZoneCreator = { userId: number; isStaff: boolean } | "operator";

/** `[domains] add`: who may add embedded zones through the web UI and the API. */
export type DomainsAddPolicy = "staff" | "users";

import { ZoneNotAllowedError } from "./errors.ts";

export { ZoneNotAllowedError };

// Zone names are lower case; record owners keep the case they were written in (RFC 4343 §4).
const isBelow = (name: string, zone: string) => name.toLowerCase().endsWith(`.${zone}`);
const atOrBelow = (name: string, zone: string) => name.toLowerCase() === zone || isBelow(name, zone);
const isStaff = (by: ZoneCreator) => by === "operator" || by.isStaff;

/**
 * Whether `name` is a public suffix of the Public Suffix List (bundled by tldts, nothing fetched at run
 * time): "icann" (co.uk, in-addr.arpa) or "private" (github.io, and dyndns services' own zones), else null.
 */
export function publicSuffixSection(name: string): "icann" | "private" | null {
  const p = parse(name, { allowPrivateDomains: true });
  if (p.publicSuffix !== name) return null;
  return p.isPrivate ? "private" : p.isIcann ? "icann" : null;
}

/**
 * A public suffix is nobody's zone here. The operator may still add a private-section one: a dyndns
 * service's own zone (nsupdate.info, dyndns.org) is listed there because it hands out names below it.
 */
function refusePublicSuffix(name: string, by: ZoneCreator): void {
  const section = publicSuffixSection(name);
  if (!section || (section === "private" && by === "operator")) return;
  throw new ValidationError("name", `"${name}" is a public suffix (Public Suffix List, ${section === "icann" ? "ICANN" : "private"} section): names below it belong to unrelated parties`);
}

/** The closest zone strictly above `name` that this server knows, if any. */
export function enclosingZone(db: Db, name: string): DomainRow | null {
  const labels = name.split(".");
  const candidates = labels.slice(1).map((_, i) => labels.slice(i + 1).join("."));
  if (candidates.length === 0) return null;
  const rows = db.select().from(domains).where(inArray(domains.name, candidates)).all();
  return rows.sort((a, b) => b.name.length - a.name.length)[0] ?? null;
}

/** Zones strictly below `name`. */
function zonesBelow(db: Db, name: string): DomainRow[] {
  return db.select().from(domains).all().filter((d) => isBelow(d.name, name));
}

/** Refuses a cut at `name` in `parent` that would hide one of its names (a host or a static record). */
function refuseHiding(db: Db, parent: DomainRow, name: string): void {
  for (const h of db.select({ name: hosts.name }).from(hosts).where(eq(hosts.domainId, parent.id)).all()) {
    const fqdn = `${h.name}.${parent.name}`;
    // A host owns the names below it too (related hosts, its wildcard, _acme-challenge).
    if (atOrBelow(fqdn, name) || isBelow(name, fqdn)) throw new ValidationError("name", `"${name}" would hide the host ${fqdn} in ${parent.name}: remove it first`);
  }
  for (const r of db.select({ name: zoneRecords.name, type: zoneRecords.type }).from(zoneRecords).where(eq(zoneRecords.domainId, parent.id)).all()) {
    if (atOrBelow(r.name, name)) throw new ValidationError("name", `"${name}" would hide the ${r.type} records at ${r.name} in ${parent.name}: remove them first`);
  }
}

export interface NewZoneCheck {
  /** Normalized zone name. */
  name: string;
  backend: "embedded" | "rfc2136";
  /** The new zone's owner (null: nobody's, the operator's). */
  ownerId: number | null;
  by: ZoneCreator;
  /** Applies to accounts, not to the operator. Default "staff". */
  policy?: DomainsAddPolicy;
}

/**
 * Whether the account may add any embedded zone at all: staff, everyone under [domains] add = "users", and
 * the owner of an embedded zone (for zones below it). The add form offers the embedded choice only then.
 */
export function mayAddEmbeddedZones(db: Db, by: ZoneCreator, policy: DomainsAddPolicy): boolean {
  if (by === "operator" || by.isStaff || policy === "users") return true;
  return db.select({ id: domains.id }).from(domains).where(and(eq(domains.ownerId, by.userId), eq(domains.backend, "embedded"))).limit(1).get() !== undefined;
}

/**
 * Refuses a zone that would take names of another account or a public suffix, or that the account may not
 * add ([domains] add). Returns the embedded zone that will delegate it (null when there is none).
 */
export function checkNewZone(db: Db, z: NewZoneCheck): DomainRow | null {
  const { name, by } = z;
  refusePublicSuffix(name, by);
  if (db.select({ id: domains.id }).from(domains).where(eq(domains.name, name)).get()) throw new ValidationError("name", `a domain named "${name}" already exists`);
  const parent = enclosingZone(db, name);
  const ownParent = parent !== null && by !== "operator" && parent.ownerId === by.userId && parent.backend === "embedded";
  if (z.backend === "embedded" && by !== "operator" && !by.isStaff && (z.policy ?? "staff") === "staff" && !ownParent)
    throw new ZoneNotAllowedError("backend", `Only staff may add embedded zones on this server ([domains] add = "staff"); add an rfc2136 domain served by your own primary, or ask staff.`);
  for (const below of zonesBelow(db, name)) {
    if (below.ownerId !== z.ownerId) throw new ValidationError("name", `"${name}" would be above ${below.name}, another account's zone`);
  }
  if (!parent) return null;
  if (parent.ownerId !== z.ownerId) {
    const mayDelegate = isStaff(by) || (by !== "operator" && parent.ownerId === by.userId);
    if (!mayDelegate) throw new ValidationError("name", `"${name}" is inside ${parent.name}, another account's zone: only its owner or staff may create zones there`);
    if (parent.backend !== "embedded") throw new ValidationError("name", `"${name}" is inside ${parent.name}, another account's zone, which an external primary serves: updns cannot delegate from it`);
    if (z.backend !== "embedded") throw new ValidationError("backend", `"${name}" is inside ${parent.name}, another account's zone: a zone there must be embedded, so that its parent can delegate it`);
  }
  if (parent.backend === "embedded") refuseHiding(db, parent, name);
  return parent;
}

/**
 * The zone served here that owns `fqdn` instead of `zone` (a child zone at or above `fqdn`, below `zone`):
 * a host or record there would be hidden by the delegation. Null when `zone` really holds the name.
 */
export function childZoneHolding(db: Db, zone: string, fqdn: string): string | null {
  const holder = fqdn === zone ? null : db.select({ name: domains.name }).from(domains).where(eq(domains.name, fqdn)).get()?.name ?? enclosingZone(db, fqdn)?.name ?? null;
  return holder && holder !== zone && isBelow(holder, zone) ? holder : null;
}

/** Refuses a host or static record at `fqdn` in `zone` when a child zone holds that name. */
export function requireNotDelegated(db: Db, zone: string, fqdn: string, field: string): void {
  const child = childZoneHolding(db, zone, fqdn);
  if (child) throw new ValidationError(field, `${fqdn} is in the zone ${child}, delegated from ${zone}: change it there`);
}

/** A new host belongs inside its owner's zone, a public zone, or a zone of nobody's (the operator's). */
export function requireHostZone(d: DomainRow, ownerId: number, field: string): void {
  if (d.ownerId !== null && d.ownerId !== ownerId && !d.public) throw new ValidationError(field, `${d.name} is another account's zone and not public: hosts there are its owner's`);
}

// ---- delegation of child zones ----

/** What a parent zone must hold for its child: the NS RRset at the cut and glue for in-bailiwick names. */
export interface Delegation {
  parent: string;
  child: string;
  ttl: number;
  ns: string[];
  glue: { name: string; type: "A" | "AAAA"; ttl: number; data: string[] }[];
}

/** The delegation of an embedded child zone as its own records say it (apex NS, addresses of its NS names). */
export function delegationOf(db: Db, child: DomainRow, parent: DomainRow): Delegation {
  const apexNs = db.select().from(zoneRecords).where(and(eq(zoneRecords.domainId, child.id), eq(zoneRecords.name, child.name), eq(zoneRecords.type, "NS"))).all();
  const ns = apexNs.map((r) => canonicalName(r.data)).sort();
  const inside = ns.filter((n) => atOrBelow(n, child.name));
  const addresses = inside.length
    ? db
        .select()
        .from(zoneRecords)
        .where(and(eq(zoneRecords.domainId, child.id), inArray(sql`lower(${zoneRecords.name})`, inside), or(eq(zoneRecords.type, "A"), eq(zoneRecords.type, "AAAA"))))
        .all()
    : [];
  const glue = new Map<string, Delegation["glue"][number]>();
  for (const r of addresses) {
    const key = `${r.name}/${r.type}`;
    const g = glue.get(key) ?? { name: r.name, type: r.type as "A" | "AAAA", ttl: r.ttl, data: [] };
    g.data.push(r.data);
    glue.set(key, g);
  }
  return { parent: parent.name, child: child.name, ttl: apexNs[0]?.ttl ?? 3600, ns, glue: [...glue.values()] };
}

/** The parent's records at or below the cut (what a delegation put there), as (name, type) pairs. */
export function recordsAtCut(db: Db, parent: DomainRow, child: string): { name: string; type: string }[] {
  const seen = new Map<string, { name: string; type: string }>();
  for (const r of db.select({ name: zoneRecords.name, type: zoneRecords.type }).from(zoneRecords).where(eq(zoneRecords.domainId, parent.id)).all()) {
    if (atOrBelow(r.name, child)) seen.set(`${r.name}/${r.type}`, r);
  }
  return [...seen.values()];
}
